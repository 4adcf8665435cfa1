package io.ecompipeline.validate;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import io.ecompipeline.common.S3Objects;
import io.ecompipeline.model.BatchFile;
import io.ecompipeline.model.FileKind;
import io.ecompipeline.model.OrderItemRecord;
import io.ecompipeline.model.OrderRecord;
import io.ecompipeline.model.ProductRecord;
import io.ecompipeline.state.BatchStore;
import org.apache.camel.CamelContext;
import org.apache.camel.Header;
import org.apache.camel.dataformat.bindy.BindyAbstractFactory;
import org.apache.camel.dataformat.bindy.csv.BindyCsvDataFormat;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Validates a file (docs/contract.md §3) and stages it: the object is streamed from S3, checked row by row (header
 * by name, the row rules, Bindy binding), and its accepted rows are streamed into PostgreSQL with {@code COPY}, the
 * rejected ones beside them with their line, reason and raw text, all in the file's own transaction, so a file
 * quarantined part-way (bad UTF-8 on line 90,000) leaves nothing behind. It needs only the batch id and the file's
 * key, and nothing in this JVM ties it to the other files of the batch: the files of a batch are validated in parallel
 * (here, or one day in other containers), and the rules that look across files run afterwards as SQL
 * ({@link BatchRules}). A file already validated is not staged again (a retried or duplicated call is harmless).
 *
 * <p>A problem of the file itself (not UTF-8 anywhere, no header, a missing column, an unreadable object, a parser
 * error) quarantines it; only a failure of S3 or PostgreSQL fails the call, so that the batch is retried.
 */
public class FileValidator {

    private static final Logger LOG = LoggerFactory.getLogger(FileValidator.class);
    private static final int MAX_FIELDS = 10_000;
    /** Progress is counted and its clock read every 4,096 rows (a mask: cheap in the row loop). */
    private static final long PROGRESS_CHECK_ROWS = 4095;

    private final CamelContext camelContext;
    private final DataSource dataSource;
    private final S3Objects s3;
    private final BatchStore batches;
    private final int maxRawChars;
    private final int maxFieldChars;
    private final long progressEveryNanos;
    private final AtomicLong rowsValidated = new AtomicLong();

    public FileValidator(CamelContext camelContext, DataSource dataSource, S3Objects s3, BatchStore batches,
            int maxRawChars, int maxFieldChars, long progressEveryMillis) {
        this.camelContext = camelContext;
        this.dataSource = dataSource;
        this.s3 = s3;
        this.batches = batches;
        this.maxRawChars = maxRawChars;
        this.maxFieldChars = maxFieldChars;
        this.progressEveryNanos = progressEveryMillis * 1_000_000;
    }

    /** Rows read by this instance since it started, all files together: lets a watcher show rows/s. */
    public long rowsValidated() {
        return rowsValidated.get();
    }

    /** Validates and stages the file {@code fileKey} (its key under collected/) of the batch; returns the outcome. */
    public BatchFile validate(@Header("batchId") String batchId, @Header("fileKey") String fileKey) throws Exception {
        BatchFile file = batches.file(batchId, fileKey);
        if (file.outcome() != null) {
            LOG.info("{}: validated before ({}), not staged again", file.incomingKey(), file.outcome());
            return file;
        }
        long started = System.nanoTime();
        BatchFile result = FileKind.ofName(file.incomingKey()).isEmpty()
                ? quarantine(file, "unrecognised_file_name",
                        "the name matches none of orders_*.csv, order_items_*.csv, products.csv, products_*.csv", 0)
                : stage(file, FileKind.ofName(file.incomingKey()).get());
        LOG.info("{}: {}{}, {} rows read, {} accepted, {} rejected {} ({} ms)", file.incomingKey(), result.outcome(),
                result.reason() == null ? "" : " (" + result.reason() + ")", result.rowsRead(), result.rowsAccepted(),
                result.rowsRejected(), result.rejected(), (System.nanoTime() - started) / 1_000_000);
        return result;
    }

    private BatchFile quarantine(BatchFile file, String reason, String detail, long read) throws SQLException {
        BatchFile q = outcome(file, BatchFile.QUARANTINED, reason, detail, read, 0, Map.of());
        try (Connection c = dataSource.getConnection()) {
            batches.recordValidation(c, q);
        }
        return q;
    }

    private BatchFile stage(BatchFile file, FileKind kind) throws Exception {
        Path spool = Files.createTempFile("rejected-", ".copy");
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (validatedMeanwhile(c, file)) {
                    c.rollback();
                    LOG.info("{}: validated meanwhile by another call, not staged again", file.incomingKey());
                    return batches.file(file.batchId(), file.collectedKey());
                }
                clear(c, file, kind);
                Staged staged;
                try (InputStream in = s3.open(file.collectedKey());
                        BufferedWriter rejects = Files.newBufferedWriter(spool, StandardCharsets.UTF_8)) {
                    staged = stageRows(c, file, kind, in, rejects);
                } catch (NoSuchKeyException e) {
                    staged = Staged.quarantined("unreadable", "the object is gone from " + file.collectedKey(), 0);
                } catch (CharacterCodingException e) {
                    staged = Staged.quarantined("not_utf8", "the file is not valid UTF-8 (" + e.getMessage() + ")", 0);
                } catch (NotUtf8 e) {
                    staged = Staged.quarantined("not_utf8", "the file is not valid UTF-8 (after line " + e.line + ")",
                            e.line);
                } catch (SQLException | SdkException e) {
                    throw e; // the database or S3 failed, not the file: the batch is retried
                } catch (IOException | RuntimeException e) {
                    LOG.warn("{} could not be parsed; quarantined", file.incomingKey(), e);
                    staged = Staged.quarantined("unreadable", "the file could not be read: " + e, 0);
                }
                if (staged.reason != null) {
                    c.rollback();
                    clear(c, file, kind);
                    BatchFile q = outcome(file, BatchFile.QUARANTINED, staged.reason, staged.detail, staged.read, 0,
                            Map.of());
                    batches.recordValidation(c, q);
                    c.commit();
                    return q;
                }
                copyRejects(c, spool);
                BatchFile done = outcome(file, BatchFile.ARCHIVED, null, null, staged.read, staged.accepted,
                        staged.rejected);
                batches.recordValidation(c, done);
                c.commit();
                return done;
            } catch (Exception e) {
                c.rollback();
                throw e;
            }
        } finally {
            Files.deleteIfExists(spool);
        }
    }

    /** What became of a file's rows, or why the whole file is quarantined. */
    private record Staged(long read, long accepted, Map<String, Long> rejected, String reason, String detail) {
        static Staged quarantined(String reason, String detail, long read) {
            return new Staged(read, 0, Map.of(), reason, detail);
        }
    }

    /** Bad UTF-8 after some lines were read: carries how far the file got. */
    private static final class NotUtf8 extends Exception {
        final long line;

        NotUtf8(long line, CharacterCodingException cause) {
            super(cause);
            this.line = line;
        }
    }

    /**
     * Locks the file's row of {@code batch_files} for this transaction, and tells whether the file got an outcome
     * since it was read. Two calls for one file at the same time (in Step Functions mode, a task retried on another
     * worker while the first is still at it, e.g. after a missed heartbeat) would each see no outcome and stage the
     * rows twice; with the lock the second waits for the first to commit, then finds the outcome and stages nothing.
     */
    private static boolean validatedMeanwhile(Connection c, BatchFile file) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT outcome FROM pipeline.batch_files "
                + "WHERE batch_id = ? AND collected_key = ? FOR UPDATE")) {
            s.setString(1, file.batchId());
            s.setString(2, file.collectedKey());
            try (ResultSet r = s.executeQuery()) {
                return r.next() && r.getString(1) != null;
            }
        }
    }

    private void clear(Connection c, BatchFile file, FileKind kind) throws SQLException {
        for (String table : new String[] {kind.stageTable(), "stage_rejects"}) {
            try (PreparedStatement s = c.prepareStatement(
                    "DELETE FROM pipeline." + table + " WHERE batch_id = ? AND file_order = ?")) {
                s.setString(1, file.batchId());
                s.setInt(2, file.readOrder());
                s.executeUpdate();
            }
        }
    }


    private static String copySql(FileKind kind) {
        return switch (kind) {
            case PRODUCTS -> "COPY pipeline.stage_products (batch_id, file_order, line, product_id, category, name, price)"
                    + " FROM STDIN";
            case ORDERS -> "COPY pipeline.stage_orders (batch_id, file_order, line, order_id, user_id, order_date, "
                    + "total_amount, status) FROM STDIN";
            case ITEMS -> "COPY pipeline.stage_lines (batch_id, file_order, line, order_id, product_id, quantity, "
                    + "unit_price) FROM STDIN";
        };
    }

    private Staged stageRows(Connection c, BatchFile file, FileKind kind, InputStream in, BufferedWriter rejects)
            throws Exception {
        CopyManager copyApi = c.unwrap(PGConnection.class).getCopyAPI();
        Map<String, Long> byReason = new TreeMap<>();
        long read = 0;
        CsvRecordReader csv;
        CsvRecordReader.CsvRecord header;
        try {
            csv = new CsvRecordReader(utf8(in), maxRawChars, maxFieldChars, MAX_FIELDS);
            header = csv.next();
        } catch (CharacterCodingException e) {
            return Staged.quarantined("not_utf8", "the file is not valid UTF-8 (in its first line)", 0);
        }
        if (header == null) {
            return Staged.quarantined("no_header", "the file is empty: no header line", 0);
        }
        if (header.oversized()) {
            return Staged.quarantined("header_too_long", "the header line has a field longer than " + maxFieldChars
                    + " characters or more than " + MAX_FIELDS + " fields", 0);
        }
        String missing = missingColumns(kind, header.fields());
        if (!missing.isEmpty()) {
            return Staged.quarantined("missing_column", "required column(s) missing: " + missing + " (header: "
                    + RowRules.abbreviate(header.raw()) + ")", 0);
        }
        int[] positions = positions(kind, header.fields());
        BindyAbstractFactory binder = binder(kind);
        String rejectPrefix = CopyRows.escape(file.batchId()) + "\t" + file.readOrder() + "\t";
        long started = System.nanoTime();
        long lastReport = started;
        long accepted = 0;
        try (CopyRows copy = new CopyRows(copyApi.copyIn(copySql(kind)))) {
            CsvRecordReader.CsvRecord row;
            while (true) {
                try {
                    row = csv.next();
                } catch (CharacterCodingException e) {
                    rowsValidated.addAndGet(read & PROGRESS_CHECK_ROWS);
                    throw new NotUtf8(read + 1, e);
                }
                if (row == null) {
                    break;
                }
                read++;
                if ((read & PROGRESS_CHECK_ROWS) == 0) {
                    rowsValidated.addAndGet(PROGRESS_CHECK_ROWS + 1);
                    long now = System.nanoTime();
                    if (now - lastReport >= progressEveryNanos) {
                        lastReport = now;
                        LOG.info(String.format(Locale.ROOT, "%s: %,d rows read so far (%,.0f rows/s)",
                                file.fileName(), read, read / ((now - started) / 1e9)));
                    }
                }
                RowRules.Rejection why = check(kind, header, row, positions, binder, file, copy);
                if (why == null) {
                    accepted++;
                } else {
                    byReason.merge(why.reason(), 1L, Long::sum);
                    rejects.write(rejectPrefix + row.line() + "\t" + CopyRows.escape(why.reason()) + "\t"
                            + CopyRows.escape(why.detail()) + "\t" + CopyRows.escape(noNul(row.raw())) + "\n");
                }
            }
            rowsValidated.addAndGet(read & PROGRESS_CHECK_ROWS);
            copy.finish();
        }
        return new Staged(read, accepted, byReason, null, null);
    }

    private static void copyRejects(Connection c, Path spool) throws SQLException, IOException {
        if (Files.size(spool) == 0) {
            return;
        }
        try (Reader in = Files.newBufferedReader(spool, StandardCharsets.UTF_8)) {
            c.unwrap(PGConnection.class).getCopyAPI().copyIn(
                    "COPY pipeline.stage_rejects (batch_id, file_order, line, reason, detail, raw) FROM STDIN", in);
        }
    }

    /** PostgreSQL's text cannot hold U+0000: a raw line keeps its other characters, a NUL shows as U+FFFD. */
    private static String noNul(String raw) {
        return raw.indexOf('\0') < 0 ? raw : raw.replace('\0', '\uFFFD');
    }

    private RowRules.Rejection check(FileKind kind, CsvRecordReader.CsvRecord header, CsvRecordReader.CsvRecord row,
            int[] positions, BindyAbstractFactory binder, BatchFile file, CopyRows copy) throws Exception {
        if (row.oversized()) {
            return new RowRules.Rejection("field_too_long", "a field is longer than " + maxFieldChars
                    + " characters, or the row has more than " + MAX_FIELDS + " fields");
        }
        if (row.unterminatedQuote()) {
            return new RowRules.Rejection("unterminated_quote", "a quoted field is not closed before the end of the file");
        }
        if (row.fields().size() != header.fields().size()) {
            return new RowRules.Rejection("field_count",
                    row.fields().size() + " fields, the header has " + header.fields().size());
        }
        List<String> values = new ArrayList<>(positions.length);
        for (int p : positions) {
            values.add(row.fields().get(p).trim());
        }
        RowRules.Result result = RowRules.check(kind, values);
        if (result.rejection() != null) {
            return result.rejection();
        }
        Map<String, Object> model = binder.factory();
        binder.bind(camelContext, result.values(), model, (int) Math.min(Integer.MAX_VALUE, row.line()));
        Object record = model.get(kind.recordClass().getName());
        copy.text(file.batchId()).number(file.readOrder()).number(row.line());
        switch (kind) {
            case PRODUCTS -> {
                ProductRecord p = (ProductRecord) record;
                copy.number(p.getProductId()).text(p.getCategory()).text(p.getName()).number(p.getPrice());
            }
            case ORDERS -> {
                OrderRecord o = (OrderRecord) record;
                copy.number(o.getOrderId()).number(o.getUserId()).text(o.getOrderDate()).number(o.getTotalAmount())
                        .text(o.getStatus());
            }
            case ITEMS -> {
                OrderItemRecord i = (OrderItemRecord) record;
                copy.number(i.getOrderId()).number(i.getProductId()).number(i.getQuantity()).number(i.getUnitPrice());
            }
            default -> throw new IllegalStateException(kind.name());
        }
        copy.endRow();
        return null;
    }

    private static BatchFile outcome(BatchFile f, String outcome, String reason, String detail, long read,
            long accepted, Map<String, Long> rejected) {
        return new BatchFile(f.batchId(), f.incomingKey(), f.collectedKey(), f.kind(), f.size(), f.readOrder(), outcome,
                reason, detail, read, accepted, Map.copyOf(rejected), null, f.finalKey());
    }

    private static String missingColumns(FileKind kind, List<String> header) {
        List<String> names = header.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).toList();
        return String.join(", ", kind.columns().stream().filter(c -> !names.contains(c)).toList());
    }

    private static int[] positions(FileKind kind, List<String> header) {
        List<String> names = header.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).toList();
        return kind.columns().stream().mapToInt(names::indexOf).toArray();
    }

    /** A binder per file: Bindy's factory keeps per-row state, and files are validated on several threads. */
    private BindyAbstractFactory binder(FileKind kind) throws Exception {
        BindyCsvDataFormat format = new BindyCsvDataFormat(kind.recordClass());
        format.setCamelContext(camelContext);
        format.start();
        return format.getFactory();
    }

    /**
     * Reads UTF-8 strictly (malformed input is an error, not a replacement character) and drops a leading BOM. The
     * first character is read here, so bad first bytes (a UTF-16 export, a binary file) surface as a
     * {@link CharacterCodingException} to the caller like any later ones.
     */
    private static Reader utf8(InputStream in) throws IOException {
        Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
        PushbackReader pushback = new PushbackReader(reader, 1);
        int first = pushback.read();
        if (first != -1 && first != '\uFEFF') {
            pushback.unread(first);
        }
        return pushback;
    }
}
