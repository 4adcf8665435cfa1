package io.ecompipeline.curate;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.Semaphore;

import com.jerolba.carpet.CarpetWriter;
import com.jerolba.carpet.TimeUnit;
import io.ecompipeline.common.S3Objects;

/**
 * Writes one curated table's partitions, one partition value at a time, from rows that come sorted by it: each
 * partition's rows go to a local temporary file (so memory holds one row group at most, whatever the history), which
 * is then put at the partition's one key, {@code <table>/<column>=<value>/data.parquet} (an order date
 * {@code order_date=YYYY-MM-DD}, or a month {@code order_month=YYYY-MM} for the KPI tables). A PUT replaces an object
 * atomically, so a reader sees the partition's previous file or its new one, never a mix; a crash leaves each
 * partition old or new, and the step's repeat writes the same bytes again. A touched partition left without rows has
 * its file deleted (its KPI items are deleted from DynamoDB too).
 * <p>
 * The PUTs run on the uploads executor, up to {@code inFlight} at once, while the next dates are written: a PUT's
 * round trip (9 ms against the embedded S3, more against AWS) times one partition per date made the uploads most of
 * the step when they ran one after the other. Each temporary file is deleted once its PUT is done; {@link #finish}
 * waits for every PUT and fails with the first that failed.
 */
final class PartitionFiles<T> implements AutoCloseable {

    static final String FILE = "data.parquet";
    private static final String PARQUET = "application/vnd.apache.parquet";
    /** Caps the rows a writer buffers before flushing a row group to the temporary file. */
    private static final long ROW_GROUP_BYTES = 32L * 1024 * 1024;

    private final S3Objects s3;
    private final String tablePrefix;
    private final String column;
    private final Class<T> type;
    private final Set<String> written = new HashSet<>();
    private final Executor uploads;
    private final Semaphore inFlight;
    private final Deque<Future<?>> pending = new ArrayDeque<>();
    private String partition;
    private Path file;
    private OutputStream out;
    private CarpetWriter<T> writer;
    private long rows;

    /**
     * {@code tablePrefix} ends with {@code /}: e.g. {@code curated/orders/}; {@code column} is the partition column
     * ({@code order_date}, {@code order_month}); up to {@code inFlight} PUTs run on {@code uploads} at once.
     */
    PartitionFiles(S3Objects s3, String tablePrefix, String column, Class<T> type, Executor uploads, int inFlight) {
        this.s3 = s3;
        this.tablePrefix = tablePrefix;
        this.column = column;
        this.type = type;
        this.uploads = uploads;
        this.inFlight = new Semaphore(Math.max(1, inFlight));
    }

    static String key(String tablePrefix, String column, Object value) {
        return tablePrefix + column + "=" + value + "/" + FILE;
    }

    /** Adds a row of the partition {@code value}; the rows of one partition come together (sorted by it). */
    void add(Object value, T row) throws IOException {
        String next = value.toString();
        if (!next.equals(partition)) {
            if (written.contains(next)) {
                throw new IllegalStateException("rows of " + next + " for " + tablePrefix + " are not together");
            }
            flush();
            partition = next;
            file = Files.createTempFile("curated-", ".parquet");
            out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
            writer = new CarpetWriter.Builder<>(out, type).withDefaultTimeUnit(TimeUnit.MICROS)
                    .withRowGroupSize(ROW_GROUP_BYTES).build();
        }
        writer.write(row);
        rows++;
    }

    /**
     * Puts the last partition, deletes the touched partitions (values) that got no rows; returns the partitions put.
     */
    int finish(Collection<?> touched) throws IOException {
        flush();
        while (!pending.isEmpty()) {
            awaitUpload(pending.removeFirst());
        }
        for (Object value : touched) {
            if (!written.contains(value.toString())) {
                s3.delete(key(tablePrefix, column, value));
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
        Path done = file;
        String key = key(tablePrefix, column, partition);
        try {
            writer.close();
            out.close();
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(done);
            throw e;
        } finally {
            writer = null;
        }
        upload(key, done);
        written.add(partition);
    }

    /** Puts the file on the uploads executor once fewer than {@code inFlight} PUTs run; reports a failed one early. */
    private void upload(String key, Path done) throws IOException {
        while (!pending.isEmpty() && pending.peekFirst().isDone()) {
            awaitUpload(pending.removeFirst());
        }
        try {
            inFlight.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Files.deleteIfExists(done);
            throw new IOException("interrupted before putting " + key, e);
        }
        FutureTask<Void> put = new FutureTask<>(() -> {
            try {
                s3.put(key, done, PARQUET);
            } finally {
                inFlight.release();
                Files.deleteIfExists(done);
            }
            return null;
        });
        pending.addLast(put);
        uploads.execute(put);
    }

    private static void awaitUpload(Future<?> put) throws IOException {
        try {
            put.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for a partition's PUT", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException(e.getCause());
        }
    }

    /**
     * Drops a partition not written yet (after a failure) and waits for the PUTs under way (each leaves its partition
     * old or new); the ones already put stay, each complete.
     */
    @Override
    public void close() throws IOException {
        while (!pending.isEmpty()) {
            try {
                awaitUpload(pending.removeFirst());
            } catch (IOException | RuntimeException e) {
                // finish() reported the first failure, or a failure of the caller is on its way
            }
        }
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
