package io.ecompipeline.validate;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import io.ecompipeline.ingest.S3Objects;
import io.ecompipeline.state.BatchFile;
import io.ecompipeline.state.BatchStore;
import org.apache.camel.CamelContext;
import org.apache.camel.Header;
import org.apache.camel.dataformat.bindy.BindyAbstractFactory;
import org.apache.camel.dataformat.bindy.csv.BindyCsvDataFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates a batch's files in read order (CONTRACT §3): file-level checks, then each row against the rules of its
 * kind, binding accepted rows into the kind's Bindy record and staging them in PostgreSQL. A file is staged in one
 * transaction, so a file quarantined part-way (bad UTF-8 on line 90,000) leaves nothing behind. Rejected rows go to
 * {@code rejected/<batch-id>/<file-name>.rejected.csv}.
 */
public class BatchValidator {

    private static final Logger LOG = LoggerFactory.getLogger(BatchValidator.class);
    private static final int STAGE_BATCH_SIZE = 1000;
    private static final int MAX_FIELDS = 10_000;
    /** Progress is counted and its clock read every 4,096 rows (a mask: cheap in the row loop). */
    private static final long PROGRESS_CHECK_ROWS = 4095;

    private final CamelContext camelContext;
    private final DataSource dataSource;
    private final S3Objects s3;
    private final BatchStore batches;
    private final String rejectedPrefix;
    private final Double maxRejectedShare;
    private final int maxRawChars;
    private final int maxFieldChars;
    private final Map<FileKind, BindyAbstractFactory> binders = new EnumMap<>(FileKind.class);
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final long progressEveryNanos;
    private final java.util.concurrent.atomic.AtomicLong rowsValidated = new java.util.concurrent.atomic.AtomicLong();

    public BatchValidator(CamelContext camelContext, DataSource dataSource, S3Objects s3, BatchStore batches,
            String rejectedPrefix, Double maxRejectedShare, int maxRawChars, int maxFieldChars, long progressEveryMillis) {
        this.camelContext = camelContext;
        this.dataSource = dataSource;
        this.s3 = s3;
        this.batches = batches;
        this.rejectedPrefix = rejectedPrefix;
        this.maxRejectedShare = maxRejectedShare;
        this.maxRawChars = maxRawChars;
        this.maxFieldChars = maxFieldChars;
        this.progressEveryNanos = progressEveryMillis * 1_000_000;
    }

    /** Rows read by this instance since it started, all batches together: lets a watcher show rows/s. */
    public long rowsValidated() {
        return rowsValidated.get();
    }

    /** What a batch's files have established so far: catalog and orders, as the next file must see them. */
    private static final class Session {
        final Map<Long, String> categories;
        final Set<Long> batchOrders = new HashSet<>();
        Set<Long> earlierOrders;
        long rowSeq;

        Session(Map<Long, String> categories) {
            this.categories = categories;
        }
    }

    /** Starts validating a batch: clears anything staged by an earlier attempt and returns the files in read order. */
    public List<BatchFile> start(@Header("batchId") String batchId) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            for (String staged : new String[] {"staged_products", "staged_orders", "staged_lines"}) {
                try (PreparedStatement s = c.prepareStatement("DELETE FROM pipeline." + staged + " WHERE batch_id = ?")) {
                    s.setString(1, batchId);
                    s.executeUpdate();
                }
            }
            Map<Long, String> categories = new HashMap<>();
            try (PreparedStatement s = c.prepareStatement("SELECT product_id, category FROM pipeline.catalog");
                    ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    categories.put(r.getLong(1), r.getString(2));
                }
            }
            sessions.put(batchId, new Session(categories));
        }
        return batches.files(batchId);
    }

    public void finish(@Header("batchId") String batchId) throws SQLException {
        sessions.remove(batchId);
        batches.markStatus(batchId, BatchStore.VALIDATED);
    }

    public BatchFile validateFile(@Header("batchId") String batchId, BatchFile file) throws Exception {
        Session session = sessions.get(batchId);
        if (session == null) {
            throw new IllegalStateException("Validation of batch " + batchId + " was not started");
        }
        long started = System.nanoTime();
        BatchFile result = FileKind.ofName(file.incomingKey())
                .map(kind -> validate(session, file, kind))
                .orElseGet(() -> outcome(file, BatchFile.QUARANTINED, "unrecognised_file_name",
                        "the name matches none of orders_*.csv, order_items_*.csv, products.csv, products_*.csv",
                        0, 0, Map.of(), null));
        batches.recordValidation(result);
        LOG.info("{}: {}{}, {} rows read, {} accepted, {} rejected {} ({} ms)", file.fileName(),
                result.outcome(), result.reason() == null ? "" : " (" + result.reason() + ")", result.rowsRead(),
                result.rowsAccepted(), result.rowsRejected(), result.rejected(), (System.nanoTime() - started) / 1_000_000);
        return result;
    }

    private BatchFile validate(Session session, BatchFile file, FileKind kind) {
        try {
            return validateRows(session, file, kind);
        } catch (Exception e) {
            throw new IllegalStateException("Validation of " + file.incomingKey() + " failed: " + e.getMessage(), e);
        }
    }

    private BatchFile validateRows(Session session, BatchFile file, FileKind kind) throws Exception {
        Map<Long, String> fileProducts = new HashMap<>();
        Set<Long> fileOrders = new HashSet<>();
        long read = 0;
        long accepted = 0;
        try (RejectedRows rejected = new RejectedRows(file.fileName());
                Connection c = dataSource.getConnection();
                CsvRecordReader csv = new CsvRecordReader(utf8(s3.open(file.collectedKey())), maxRawChars,
                        maxFieldChars, MAX_FIELDS)) {
            c.setAutoCommit(false);
            try (Stager stager = new Stager(c, kind, file)) {
                CsvRecordReader.CsvRecord header;
                try {
                    header = csv.next();
                    if (header == null) {
                        return quarantined(c, file, "no_header", "the file is empty: no header line", 0, rejected);
                    }
                    if (header.oversized()) {
                        return quarantined(c, file, "header_too_long", "the header line has a field longer than "
                                + maxFieldChars + " characters or more than " + MAX_FIELDS + " fields", 0, rejected);
                    }
                    String missing = missingColumns(kind, header.fields());
                    if (!missing.isEmpty()) {
                        return quarantined(c, file, "missing_column", "required column(s) missing: " + missing
                                + " (header: " + RowRules.abbreviate(header.raw()) + ")", 0, rejected);
                    }
                    int[] positions = positions(kind, header.fields());
                    BindyAbstractFactory binder = binder(kind);
                    CsvRecordReader.CsvRecord row;
                    long started = System.nanoTime();
                    long lastReport = started;
                    while ((row = csv.next()) != null) {
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
                        RowRules.Rejection why = check(session, kind, header, row, positions, fileProducts, fileOrders,
                                binder, stager);
                        if (why == null) {
                            accepted++;
                        } else {
                            rejected.add(row.line(), why.reason(), why.detail(), row.raw());
                        }
                    }
                } catch (CharacterCodingException e) {
                    rowsValidated.addAndGet(read & PROGRESS_CHECK_ROWS);
                    return quarantined(c, file, "not_utf8", "the file is not valid UTF-8 (after line " + read + ")",
                            read, rejected);
                }
                rowsValidated.addAndGet(read & PROGRESS_CHECK_ROWS);
                stager.flush();
                if (maxRejectedShare != null && read > 0 && (double) rejected.count() / read > maxRejectedShare) {
                    BatchFile q = quarantined(c, file, "too_many_rejected_rows", String.format(Locale.ROOT,
                            "%d of %d rows rejected, more than the allowed share %.4f", rejected.count(), read,
                            maxRejectedShare), read, rejected);
                    return withRejectedFile(q, rejected);
                }
                c.commit();
            }
            session.categories.putAll(fileProducts);
            session.batchOrders.addAll(fileOrders);
            return withRejectedFile(outcome(file, BatchFile.ARCHIVED, null, null, read, accepted, rejected.byReason(),
                    null), rejected);
        }
    }

    private BatchFile quarantined(Connection c, BatchFile file, String reason, String detail, long read,
            RejectedRows rejected) throws SQLException {
        c.rollback();
        return outcome(file, BatchFile.QUARANTINED, reason, detail, read, 0, rejected.byReason(), null);
    }

    private BatchFile withRejectedFile(BatchFile file, RejectedRows rejected) throws IOException {
        if (rejected.count() == 0) {
            return file;
        }
        String key = rejectedPrefix + file.batchId() + "/" + file.fileName() + ".rejected.csv";
        s3.put(key, rejected.finish(), "text/csv");
        return outcome(file, file.outcome(), file.reason(), file.detail(), file.rowsRead(), file.rowsAccepted(),
                file.rejected(), key);
    }

    private static BatchFile outcome(BatchFile f, String outcome, String reason, String detail, long read,
            long accepted, Map<String, Long> rejected, String rejectedKey) {
        return new BatchFile(f.batchId(), f.incomingKey(), f.collectedKey(), f.kind(), f.size(), f.readOrder(), outcome,
                reason, detail, read, accepted, Map.copyOf(rejected), rejectedKey, f.finalKey());
    }

    private RowRules.Rejection check(Session session, FileKind kind, CsvRecordReader.CsvRecord header,
            CsvRecordReader.CsvRecord row, int[] positions, Map<Long, String> fileProducts, Set<Long> fileOrders,
            BindyAbstractFactory binder, Stager stager) throws Exception {
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
        long seq = ++session.rowSeq;
        switch (kind) {
            case PRODUCTS -> {
                ProductRecord p = (ProductRecord) record;
                fileProducts.put(p.getProductId(), p.getCategory());
                stager.product(seq, p);
            }
            case ORDERS -> {
                OrderRecord o = (OrderRecord) record;
                if (session.batchOrders.contains(o.getOrderId()) || !fileOrders.add(o.getOrderId())) {
                    return new RowRules.Rejection("duplicate_order_id",
                            "order " + o.getOrderId() + " already appeared earlier in this batch");
                }
                stager.order(seq, o);
            }
            case ITEMS -> {
                OrderItemRecord i = (OrderItemRecord) record;
                if (!session.batchOrders.contains(i.getOrderId()) && !earlierOrders(session).contains(i.getOrderId())) {
                    return new RowRules.Rejection("unknown_order",
                            "order " + i.getOrderId() + " is not an accepted order of this or an earlier batch");
                }
                String category = session.categories.get(i.getProductId());
                if (category == null) {
                    return new RowRules.Rejection("unknown_product",
                            "product " + i.getProductId() + " is in neither this batch's catalog files nor the catalog");
                }
                stager.line(seq, i, category);
            }
            default -> throw new IllegalStateException(kind.name());
        }
        return null;
    }

    private Set<Long> earlierOrders(Session session) throws SQLException {
        if (session.earlierOrders == null) {
            Set<Long> ids = new HashSet<>();
            try (Connection c = dataSource.getConnection();
                    PreparedStatement s = c.prepareStatement("SELECT order_id FROM pipeline.orders")) {
                c.setAutoCommit(false);
                s.setFetchSize(10_000);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        ids.add(r.getLong(1));
                    }
                }
                c.commit();
            }
            session.earlierOrders = ids;
        }
        return session.earlierOrders;
    }

    private static String missingColumns(FileKind kind, List<String> header) {
        List<String> names = header.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).toList();
        return String.join(", ", kind.columns().stream().filter(c -> !names.contains(c)).toList());
    }

    private static int[] positions(FileKind kind, List<String> header) {
        List<String> names = header.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).toList();
        return kind.columns().stream().mapToInt(names::indexOf).toArray();
    }

    private BindyAbstractFactory binder(FileKind kind) throws Exception {
        synchronized (binders) {
            BindyAbstractFactory binder = binders.get(kind);
            if (binder == null) {
                BindyCsvDataFormat format = new BindyCsvDataFormat(kind.recordClass());
                format.setCamelContext(camelContext);
                format.start();
                binder = format.getFactory();
                binders.put(kind, binder);
            }
            return binder;
        }
    }

    /** Reads UTF-8 strictly (malformed input is an error, not a replacement character) and drops a leading BOM. */
    private static Reader utf8(java.io.InputStream in) throws IOException {
        Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
        java.io.PushbackReader pushback = new java.io.PushbackReader(reader, 1);
        int first = pushback.read();
        if (first != -1 && first != '\uFEFF') {
            pushback.unread(first);
        }
        return pushback;
    }

    /** Batched inserts of one file's accepted rows into the staging tables, inside the file's transaction. */
    private static final class Stager implements AutoCloseable {
        private final PreparedStatement insert;
        private final BatchFile file;
        private int pending;

        Stager(Connection c, FileKind kind, BatchFile file) throws SQLException {
            this.file = file;
            this.insert = c.prepareStatement(switch (kind) {
                case PRODUCTS -> "INSERT INTO pipeline.staged_products (batch_id, row_seq, file_key, product_id, "
                        + "category, name, price) VALUES (?, ?, ?, ?, ?, ?, ?)";
                case ORDERS -> "INSERT INTO pipeline.staged_orders (batch_id, row_seq, file_key, order_id, user_id, "
                        + "order_date, total_amount, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
                case ITEMS -> "INSERT INTO pipeline.staged_lines (batch_id, row_seq, file_key, order_id, product_id, "
                        + "quantity, unit_price, category) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
            });
        }

        private void common(long seq) throws SQLException {
            insert.setString(1, file.batchId());
            insert.setLong(2, seq);
            insert.setString(3, file.collectedKey());
        }

        void product(long seq, ProductRecord p) throws SQLException {
            common(seq);
            insert.setLong(4, p.getProductId());
            insert.setString(5, p.getCategory());
            insert.setString(6, p.getName());
            insert.setBigDecimal(7, p.getPrice());
            add();
        }

        void order(long seq, OrderRecord o) throws SQLException {
            common(seq);
            insert.setLong(4, o.getOrderId());
            insert.setLong(5, o.getUserId());
            insert.setDate(6, Date.valueOf(LocalDate.parse(o.getOrderDate())));
            insert.setBigDecimal(7, o.getTotalAmount());
            insert.setString(8, o.getStatus());
            add();
        }

        void line(long seq, OrderItemRecord i, String category) throws SQLException {
            common(seq);
            insert.setLong(4, i.getOrderId());
            insert.setLong(5, i.getProductId());
            insert.setLong(6, i.getQuantity());
            insert.setBigDecimal(7, i.getUnitPrice());
            insert.setString(8, category);
            add();
        }

        private void add() throws SQLException {
            insert.addBatch();
            if (++pending >= STAGE_BATCH_SIZE) {
                flush();
            }
        }

        void flush() throws SQLException {
            if (pending > 0) {
                insert.executeBatch();
                pending = 0;
            }
        }

        @Override
        public void close() throws SQLException {
            insert.close();
        }
    }
}
