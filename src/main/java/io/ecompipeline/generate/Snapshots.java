package io.ecompipeline.generate;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;

import javax.sql.DataSource;

import com.jerolba.carpet.CarpetReader;
import com.jerolba.carpet.CarpetWriter;
import io.ecompipeline.common.S3Objects;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.postgresql.copy.CopyOut;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parquet snapshots of the {@code shop} tables under {@code snapshots/shop/<table>.parquet}, written at the end of
 * every run from one consistent (repeatable-read) view, streaming; {@code reload} replaces the tables' contents with
 * them in one transaction (COPY), which is much faster than generating the history again.
 */
final class Snapshots {

    private static final Logger LOG = LoggerFactory.getLogger(Snapshots.class);
    static final String PREFIX = "snapshots/shop/";
    /** In load order (parents first). */
    static final Object[][] TABLES = {
        {"customers", SnapshotRows.Customer.class, "customer_id"},
        {"products", SnapshotRows.Product.class, "product_id"},
        {"orders", SnapshotRows.Order.class, "order_id"},
        {"order_items", SnapshotRows.OrderItem.class, "order_id, line_no"},
        {"generated_days", SnapshotRows.GeneratedDay.class, "day"},
        {"generator_settings", SnapshotRows.GeneratorSettings.class, "first_day"}};
    /** Tables a reload accepts without a snapshot (snapshots written before the table existed). */
    private static final java.util.Set<String> OPTIONAL = java.util.Set.of("generator_settings");
    /** PostgreSQL's text form of a timestamp, as COPY writes and reads it. */
    private static final java.time.format.DateTimeFormatter TIMESTAMP = new java.time.format.DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss")
            .appendFraction(java.time.temporal.ChronoField.MICRO_OF_SECOND, 0, 6, true).toFormatter();

    private final DataSource dataSource;
    private final S3Objects s3;

    Snapshots(DataSource dataSource, S3Objects s3) {
        this.dataSource = dataSource;
        this.s3 = s3;
    }

    void write(Map<String, Long> records) throws Exception {
        long t0 = System.nanoTime();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
                for (Object[] t : TABLES) {
                    String table = (String) t[0];
                    Path tmp = Files.createTempFile("snapshot-", ".parquet");
                    try {
                        long rows = writeTable(copy, table, (Class<?>) t[1], (String) t[2], tmp);
                        s3.put(PREFIX + table + ".parquet", tmp, "application/vnd.apache.parquet");
                        records.merge("snapshot_rows", rows, Long::sum);
                    } finally {
                        Files.deleteIfExists(tmp);
                    }
                }
                c.commit();
            } finally {
                c.setAutoCommit(true);
            }
        }
        LOG.info("Snapshots of shop written to {} in {} ms", PREFIX, (System.nanoTime() - t0) / 1_000_000);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static long writeTable(CopyManager copy, String table, Class<?> type, String order, Path file)
            throws Exception {
        RecordComponent[] components = type.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
        }
        Constructor<?> ctor = type.getDeclaredConstructor(types);
        long rows = 0;
        try (OutputStream out = Files.newOutputStream(file); CarpetWriter w = new CarpetWriter.Builder(out, type)
                .withDefaultTimeUnit(com.jerolba.carpet.TimeUnit.MICROS).build()) {
            CopyOut cp = copy.copyOut("COPY (SELECT * FROM shop." + table + " ORDER BY " + order + ") TO STDOUT");
            byte[] line;
            Object[] args = new Object[types.length];
            while ((line = cp.readFromCopy()) != null) {
                String s = new String(line, StandardCharsets.UTF_8);
                String[] f = s.substring(0, s.length() - 1).split("\t", -1);
                for (int i = 0; i < types.length; i++) {
                    args[i] = fromText(types[i], f[i]);
                }
                w.write(ctor.newInstance(args));
                rows++;
            }
        }
        return rows;
    }

    /** A column of COPY's text output as its record component's type. */
    static Object fromText(Class<?> type, String text) {
        if (type == long.class) {
            return Long.parseLong(text);
        }
        if (type == int.class) {
            return Integer.parseInt(text);
        }
        if (type == double.class) {
            return Double.parseDouble(text);
        }
        if (type == java.math.BigDecimal.class) {
            return new java.math.BigDecimal(text);
        }
        if (type == java.time.LocalDate.class) {
            return java.time.LocalDate.parse(text);
        }
        if (type == java.time.LocalDateTime.class) {
            return java.time.LocalDateTime.parse(text, TIMESTAMP);
        }
        return text;
    }

    /** A record component's value as COPY's text input. */
    static String toText(Object value) {
        if (value instanceof java.math.BigDecimal d) {
            return d.toPlainString();
        }
        if (value instanceof java.time.LocalDateTime t) {
            return TIMESTAMP.format(t);
        }
        return String.valueOf(value);
    }

    /** Replaces the tables with the snapshots, in one transaction. */
    void reload(Map<String, Long> records) throws Exception {
        long t0 = System.nanoTime();
        java.util.Set<String> present = new java.util.HashSet<>();
        for (Object[] t : TABLES) {
            if (!s3.list(PREFIX + t[0] + ".parquet").isEmpty()) {
                present.add((String) t[0]);
            } else if (!OPTIONAL.contains(t[0])) {
                throw new IllegalStateException("no snapshot " + PREFIX + t[0] + ".parquet: run the generator first");
            }
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (Statement s = c.createStatement()) {
                    s.execute("TRUNCATE shop.order_items, shop.orders, shop.products, shop.customers, "
                            + "shop.generated_days, shop.generator_settings");
                }
                CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
                for (Object[] t : TABLES) {
                    String table = (String) t[0];
                    if (!present.contains(table)) {
                        continue;
                    }
                    Path tmp = Files.createTempFile("snapshot-", ".parquet");
                    try {
                        try (InputStream in = s3.open(PREFIX + table + ".parquet")) {
                            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                        }
                        long rows = loadTable(copy, table, (Class<?>) t[1], tmp);
                        records.put(table, rows);
                    } finally {
                        Files.deleteIfExists(tmp);
                    }
                }
                c.commit();
            } catch (Exception e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
        LOG.info("Reloaded shop from {} in {} ms: {}", PREFIX, (System.nanoTime() - t0) / 1_000_000, records);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static long loadTable(CopyManager copy, String table, Class<?> type, Path file) throws Exception {
        RecordComponent[] components = type.getRecordComponents();
        StringBuilder buf = new StringBuilder(1 << 20);
        long rows = 0;
        for (Object row : new CarpetReader(file.toFile(), type)) {
            for (int i = 0; i < components.length; i++) {
                if (i > 0) {
                    buf.append('\t');
                }
                buf.append(toText(components[i].getAccessor().invoke(row)));
            }
            buf.append('\n');
            rows++;
            if (buf.length() > (1 << 20)) {
                copy.copyIn("COPY shop." + table + " FROM STDIN", new StringReader(buf.toString()));
                buf.setLength(0);
            }
        }
        if (buf.length() > 0) {
            copy.copyIn("COPY shop." + table + " FROM STDIN", new StringReader(buf.toString()));
        }
        return rows;
    }

}
