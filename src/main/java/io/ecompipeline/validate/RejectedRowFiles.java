package io.ecompipeline.validate;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import javax.sql.DataSource;

import io.ecompipeline.common.S3Objects;
import io.ecompipeline.model.BatchFile;
import io.ecompipeline.state.BatchStore;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Writes each file's rejected rows to its {@code rejected/} object ({@code file,line,reason,detail,raw}, by line),
 * from the rows validation and the batch rules left in {@code pipeline.stage_rejects}. A row a batch rule rejected
 * was staged without its text: it is read back from the file here, in one streaming pass, only for files that have
 * such rows. Spooled through a temporary file, so millions of rejected rows cost no heap. Writing again gives the
 * same objects.
 */
public class RejectedRowFiles {

    private static final Logger LOG = LoggerFactory.getLogger(RejectedRowFiles.class);

    private final DataSource dataSource;
    private final S3Objects s3;
    private final BatchStore batches;
    private final int maxRawChars;

    public RejectedRowFiles(DataSource dataSource, S3Objects s3, BatchStore batches, int maxRawChars) {
        this.dataSource = dataSource;
        this.s3 = s3;
        this.batches = batches;
        this.maxRawChars = maxRawChars;
    }

    public void write(@Header("batchId") String batchId) throws Exception {
        for (BatchFile f : batches.files(batchId)) {
            if (f.rejectedKey() != null) {
                write(f);
            }
        }
    }

    private void write(BatchFile f) throws Exception {
        Path spool = Files.createTempFile("rejected-", ".csv");
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            long rows = 0;
            try (PreparedStatement s = c.prepareStatement("SELECT line, reason, detail, raw FROM pipeline.stage_rejects "
                    + "WHERE batch_id = ? AND file_order = ? ORDER BY line");
                    BufferedWriter out = Files.newBufferedWriter(spool, StandardCharsets.UTF_8)) {
                s.setFetchSize(10_000);
                s.setString(1, f.batchId());
                s.setInt(2, f.readOrder());
                out.write("file,line,reason,detail,raw\n");
                String file = quote(f.incomingKey());
                try (ResultSet r = s.executeQuery(); RawLines source = new RawLines(f)) {
                    while (r.next()) {
                        long line = r.getLong(1);
                        String raw = r.getString(4);
                        if (raw == null) {
                            raw = source.at(line);
                        }
                        out.write(file + "," + line + "," + r.getString(2) + "," + quote(r.getString(3)) + ","
                                + quote(raw) + "\n");
                        rows++;
                    }
                }
            }
            c.commit();
            if (rows == 0) {
                return; // written and cleared by an earlier run of this step
            }
            s3.put(f.rejectedKey(), spool, "text/csv");
            LOG.info("{}: {} rejected rows written to {}", f.incomingKey(), rows, f.rejectedKey());
        } finally {
            Files.deleteIfExists(spool);
        }
    }

    private static String quote(String value) {
        return "\"" + (value == null ? "" : value.replace("\"", "\"\"")) + "\"";
    }

    /** The file's records, read forward on demand (rows come by ascending line). */
    private final class RawLines implements AutoCloseable {
        private final BatchFile file;
        private CsvRecordReader reader;

        RawLines(BatchFile file) {
            this.file = file;
        }

        String at(long line) throws IOException {
            if (reader == null) {
                reader = new CsvRecordReader(new InputStreamReader(open(), StandardCharsets.UTF_8), maxRawChars);
            }
            CsvRecordReader.CsvRecord record;
            while ((record = reader.next()) != null) {
                if (record.line() == line) {
                    return record.raw().startsWith("\uFEFF") ? record.raw().substring(1) : record.raw();
                }
                if (record.line() > line) {
                    break;
                }
            }
            return "";
        }

        private InputStream open() {
            try {
                return s3.open(file.collectedKey());
            } catch (NoSuchKeyException e) {
                if (file.finalKey() == null) {
                    throw e;
                }
                return s3.open(file.finalKey()); // moved by an earlier run of the finish step
            }
        }

        @Override
        public void close() throws IOException {
            if (reader != null) {
                reader.close();
            }
        }
    }
}
