package io.ecompipeline.curate;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

import com.jerolba.carpet.CarpetWriter;
import com.jerolba.carpet.TimeUnit;
import io.ecompipeline.common.S3Objects;

/**
 * Writes one curated table's partitions, one order date at a time, from rows that come sorted by date: each date's
 * rows go to a local temporary file (so memory holds one row group at most, whatever the history), which is then put
 * at the partition's one key, {@code <table>/order_date=YYYY-MM-DD/data.parquet}. A PUT replaces an object
 * atomically, so a reader sees the partition's previous file or its new one, never a mix; a crash leaves each
 * partition old or new, and the step's repeat writes the same bytes again. A touched date left without rows has its
 * file deleted (its KPI items are deleted from DynamoDB too).
 */
final class PartitionFiles<T> implements AutoCloseable {

    static final String FILE = "data.parquet";
    private static final String PARQUET = "application/vnd.apache.parquet";
    /** Caps the rows a writer buffers before flushing a row group to the temporary file. */
    private static final long ROW_GROUP_BYTES = 32L * 1024 * 1024;

    private final S3Objects s3;
    private final String tablePrefix;
    private final Class<T> type;
    private final Set<LocalDate> written = new HashSet<>();
    private LocalDate date;
    private Path file;
    private OutputStream out;
    private CarpetWriter<T> writer;
    private long rows;

    /** {@code tablePrefix} ends with {@code /}: e.g. {@code curated/orders/}. */
    PartitionFiles(S3Objects s3, String tablePrefix, Class<T> type) {
        this.s3 = s3;
        this.tablePrefix = tablePrefix;
        this.type = type;
    }

    static String key(String tablePrefix, LocalDate date) {
        return tablePrefix + "order_date=" + date + "/" + FILE;
    }

    /** Adds a row of {@code orderDate}; the rows of one date come together (sorted by date). */
    void add(LocalDate orderDate, T row) throws IOException {
        if (!orderDate.equals(date)) {
            if (written.contains(orderDate)) {
                throw new IllegalStateException("rows of " + orderDate + " for " + tablePrefix + " are not together");
            }
            flush();
            date = orderDate;
            file = Files.createTempFile("curated-", ".parquet");
            out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
            writer = new CarpetWriter.Builder<>(out, type).withDefaultTimeUnit(TimeUnit.MICROS)
                    .withRowGroupSize(ROW_GROUP_BYTES).build();
        }
        writer.write(row);
        rows++;
    }

    /** Puts the last partition, deletes those of the touched dates that got no rows; returns the partitions put. */
    int finish(Collection<LocalDate> touched) throws IOException {
        flush();
        for (LocalDate d : touched) {
            if (!written.contains(d)) {
                s3.delete(key(tablePrefix, d));
            }
        }
        return written.size();
    }

    long rows() {
        return rows;
    }

    private void flush() throws IOException {
        if (writer == null) {
            return;
        }
        try {
            writer.close();
            out.close();
            s3.put(key(tablePrefix, date), file, PARQUET);
            written.add(date);
        } finally {
            writer = null;
            Files.deleteIfExists(file);
        }
    }

    /** Drops a partition not put yet (after a failure); the ones already put stay, each complete. */
    @Override
    public void close() throws IOException {
        if (writer != null) {
            try {
                writer.close();
                out.close();
            } catch (IOException | RuntimeException e) {
                // the partition is dropped anyway
            } finally {
                writer = null;
                Files.deleteIfExists(file);
            }
        }
    }
}
