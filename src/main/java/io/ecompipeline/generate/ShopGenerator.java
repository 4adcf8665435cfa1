package io.ecompipeline.generate;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import javax.sql.DataSource;

import com.jerolba.carpet.CarpetWriter;
import io.ecompipeline.ingest.S3Objects;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Simulates the shop's source systems: one day at a time, customers, products, orders and lines into PostgreSQL
 * schema {@code shop} (COPY), payments and shipments as Parquet in S3, optionally the day's exports under
 * {@code incoming/}. Each day commits atomically together with its row in {@code shop.generated_days}, after its
 * Parquet files and exports are written, so a run resumes after the last committed day. Each day draws from its own
 * {@link SplittableRandom} seeded from the seed and the date, so the same seed and configuration give the same data.
 */
public final class ShopGenerator {

    private static final Logger LOG = LoggerFactory.getLogger(ShopGenerator.class);
    static final String[] TABLES = {"customers", "products", "orders", "order_items"};
    private static final DateTimeFormatter RUN_KEY = DateTimeFormatter.ofPattern("yyyy-MM-dd_HHmmss")
            .withZone(ZoneOffset.UTC);

    private final DataSource dataSource;
    private final S3Objects s3;
    private final GeneratorConfig config;
    private final String incoming;
    private final long progressEveryMillis;

    // in-memory view of the shop, loaded at the start of a run
    private final List<long[]> products = new ArrayList<>(); // id, category, price cents, cost cents
    private int[] customerRegistered = new int[1024]; // epoch day, index = customer_id
    private byte[] customerCountry = new byte[1024];
    private boolean[] customerVip = new boolean[1024];
    private long customers;
    private long nextOrderId;

    public ShopGenerator(DataSource dataSource, S3Objects s3, GeneratorConfig config, String incomingPrefix,
            long progressEveryMillis) {
        this.dataSource = dataSource;
        this.s3 = s3;
        this.config = config;
        this.incoming = incomingPrefix;
        this.progressEveryMillis = progressEveryMillis;
    }

    /** What a run did. */
    public record RunResult(String mode, String status, LocalDate firstDay, LocalDate lastDay, int days,
            Map<String, Long> records, long millis, String runLogKey, String error) {
    }

    public RunResult run() throws Exception {
        Instant started = Instant.now();
        String runLogKey = "logs/operations/run_" + RUN_KEY.format(started) + ".json";
        Map<String, Long> records = new LinkedHashMap<>();
        for (String t : new String[] {"customers", "products", "orders", "order_items", "status_updates",
            "payments", "shipments", "export_files"}) {
            records.put(t, 0L);
        }
        String mode = config.mode();
        LocalDate first = null;
        LocalDate last = null;
        int days = 0;
        try {
            applySchema();
            LocalDate lastDone = lastGeneratedDay();
            if ("auto".equals(mode)) {
                mode = lastDone == null ? "initial" : "incremental";
            }
            if ("reload".equals(mode)) {
                new Snapshots(dataSource, s3).reload(records);
                lastDone = lastGeneratedDay();
                RunResult r = new RunResult(mode, "success", null, lastDone, 0, records,
                        Instant.now().toEpochMilli() - started.toEpochMilli(), runLogKey, null);
                writeRunLog(r, started);
                return r;
            }
            if ("initial".equals(mode) && lastDone != null) {
                throw new IllegalStateException("mode initial: shop already holds data through " + lastDone
                        + " (use incremental or reload)");
            }
            if ("incremental".equals(mode) && lastDone == null) {
                mode = "initial";
            }
            LocalDate from = lastDone == null ? config.through().minusDays(config.historyDays() - 1L)
                    : lastDone.plusDays(1);
            LocalDate to = config.through();
            if (config.maxDays() > 0 && lastDone != null && from.plusDays(config.maxDays() - 1L).isBefore(to)) {
                to = from.plusDays(config.maxDays() - 1L);
            }
            boolean export = lastDone == null ? config.exportHistory() : config.exportDaily();
            loadState();
            long total = Math.max(0, to.toEpochDay() - from.toEpochDay() + 1);
            LOG.info("Generator {}: {} day(s) {}..{}, scale {}, seed {}, exports {}", mode, total, from, to,
                    config.scale(), config.seed(), export ? "on" : "off");
            long t0 = System.nanoTime();
            long lastReport = System.currentTimeMillis();
            for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException("generator interrupted before " + d);
                }
                Map<String, Long> dayRecords = generateDay(d, export);
                dayRecords.forEach((k, v) -> records.merge(k, v, Long::sum));
                if (first == null) {
                    first = d;
                }
                last = d;
                days++;
                long now = System.currentTimeMillis();
                if (now - lastReport >= progressEveryMillis || days == total) {
                    lastReport = now;
                    logProgress(days, total, records, System.nanoTime() - t0);
                }
            }
            if (days > 0) {
                new Snapshots(dataSource, s3).write(records);
            }
            RunResult r = new RunResult(mode, "success", first, last == null ? lastDone : last, days, records,
                    Instant.now().toEpochMilli() - started.toEpochMilli(), runLogKey, null);
            writeRunLog(r, started);
            return r;
        } catch (Exception e) {
            RunResult r = new RunResult(mode, "failed", first, last, days, records,
                    Instant.now().toEpochMilli() - started.toEpochMilli(), runLogKey, String.valueOf(e));
            try {
                writeRunLog(r, started);
            } catch (RuntimeException logFailure) {
                e.addSuppressed(logFailure);
            }
            throw e;
        }
    }

    private void logProgress(int days, long total, Map<String, Long> records, long nanos) {
        double secs = Math.max(1e-9, nanos / 1e9);
        StringBuilder rates = new StringBuilder();
        for (String t : TABLES) {
            rates.append(' ').append(t).append(' ').append(Math.round(records.get(t) / secs)).append("/s");
        }
        long eta = Math.round(secs / days * (total - days));
        LOG.info("Generator progress: {}/{} days,{}, ETA {}s", days, total, rates, eta);
    }

    // ---------------------------------------------------------------- schema and state

    void applySchema() throws IOException, SQLException {
        String sql;
        try (InputStream in = ShopGenerator.class.getResourceAsStream("/sql/shop-schema.sql")) {
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_lock(774411)");
            try {
                for (String stmt : sql.split(";")) {
                    if (!stmt.isBlank()) {
                        s.execute(stmt);
                    }
                }
            } finally {
                s.execute("SELECT pg_advisory_unlock(774411)");
            }
        }
    }

    LocalDate lastGeneratedDay() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT max(day) FROM shop.generated_days")) {
            rs.next();
            Date d = rs.getDate(1);
            return d == null ? null : d.toLocalDate();
        }
    }

    private void loadState() throws SQLException {
        products.clear();
        customers = 0;
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery(
                    "SELECT product_id, category, price, cost FROM shop.products ORDER BY product_id")) {
                while (rs.next()) {
                    products.add(new long[] {rs.getLong(1), categoryIndex(rs.getString(2)),
                        rs.getBigDecimal(3).movePointRight(2).longValueExact(),
                        rs.getBigDecimal(4).movePointRight(2).longValueExact()});
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT customer_id, registration_date, country, segment = 'VIP'"
                    + " FROM shop.customers ORDER BY customer_id")) {
                while (rs.next()) {
                    long id = rs.getLong(1);
                    ensureCustomerCapacity(id);
                    customerRegistered[(int) id] = (int) rs.getDate(2).toLocalDate().toEpochDay();
                    customerCountry[(int) id] = (byte) countryIndex(rs.getString(3));
                    customerVip[(int) id] = rs.getBoolean(4);
                    customers = id;
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT coalesce(max(order_id), 0) FROM shop.orders")) {
                rs.next();
                nextOrderId = rs.getLong(1) + 1;
            }
        }
    }

    private static int categoryIndex(String name) {
        for (int i = 0; i < ShopModel.CATEGORIES.length; i++) {
            if (ShopModel.CATEGORIES[i].equals(name)) {
                return i;
            }
        }
        throw new IllegalStateException("unknown category " + name);
    }

    private static int countryIndex(String name) {
        for (int i = 0; i < ShopModel.COUNTRIES.length; i++) {
            if (ShopModel.COUNTRIES[i].equals(name)) {
                return i;
            }
        }
        throw new IllegalStateException("unknown country " + name);
    }

    private void ensureCustomerCapacity(long id) {
        if (id >= customerRegistered.length) {
            int n = (int) Math.max(id + 1, customerRegistered.length * 2L);
            customerRegistered = java.util.Arrays.copyOf(customerRegistered, n);
            customerCountry = java.util.Arrays.copyOf(customerCountry, n);
            customerVip = java.util.Arrays.copyOf(customerVip, n);
        }
    }

    // ---------------------------------------------------------------- one day

    private Map<String, Long> generateDay(LocalDate day, boolean export) throws Exception {
        SplittableRandom r = new SplittableRandom(config.seed() * 1_000_003L + day.toEpochDay());
        SplittableRandom period = new SplittableRandom(config.seed() * 7_919L + Math.floorDiv(day.toEpochDay(), 30));
        double factor = ShopModel.PERIOD_FACTOR[ShopModel.pick(period, ShopModel.PERIOD_W)];
        String ds = day.toString();
        String dayTs = ds + " 00:00:00";
        int epochDay = (int) day.toEpochDay();
        long customersBefore = customers;
        int productsBefore = products.size();

        StringBuilder cust = new StringBuilder(1 << 16);
        int newCustomers = config.customersPerDay();
        for (int i = 0; i < newCustomers; i++) {
            long id = ++customers;
            ensureCustomerCapacity(id);
            int country = ShopModel.pick(r, ShopModel.COUNTRY_W);
            boolean vip = r.nextDouble() < 0.10;
            customerRegistered[(int) id] = epochDay;
            customerCountry[(int) id] = (byte) country;
            customerVip[(int) id] = vip;
            String fn = ShopModel.FIRST[r.nextInt(ShopModel.FIRST.length)];
            String ln = ShopModel.LAST[r.nextInt(ShopModel.LAST.length)];
            cust.append(id).append('\t').append(fn).append('\t').append(ln).append('\t')
                    .append(fn.toLowerCase()).append('.').append(ln.toLowerCase().replace(' ', '_')).append(id)
                    .append("@example.com\t").append(1 + r.nextInt(9999)).append(' ')
                    .append(ShopModel.STREETS[r.nextInt(ShopModel.STREETS.length)]).append('\t')
                    .append(ShopModel.COUNTRIES[country]).append('\t').append(ds).append('\t')
                    .append(vip ? "VIP" : "New").append("\t0\t").append(dayTs).append('\t').append(dayTs)
                    .append('\n');
        }
        StringBuilder prod = new StringBuilder(4096);
        int newProducts = config.productsPerDay() + (products.isEmpty() ? 20 * config.productsPerDay() : 0);
        for (int i = 0; i < newProducts; i++) {
            long id = products.size() + 1L;
            int cat = r.nextInt(ShopModel.CATEGORIES.length);
            double[] pr = ShopModel.PRICE[cat];
            long price = Math.round((pr[0] + r.nextDouble() * (pr[1] - pr[0])) * 100);
            double margin = pr[2] + r.nextDouble() * (pr[3] - pr[2]);
            long cost = Math.round(price * (1 - margin));
            products.add(new long[] {id, cat, price, cost});
            prod.append(id).append('\t').append(ShopModel.ADJ[r.nextInt(ShopModel.ADJ.length)]).append(' ')
                    .append(ShopModel.CATEGORIES[cat].split(" ")[0]).append(' ')
                    .append(ShopModel.NOUN[r.nextInt(ShopModel.NOUN.length)]).append(' ').append(id).append('\t')
                    .append(ShopModel.CATEGORIES[cat]).append('\t').append(cents(price)).append('\t')
                    .append(cents(cost)).append('\t').append(10 + r.nextInt(490)).append('\t').append(dayTs)
                    .append('\t').append(dayTs).append('\n');
        }

        StringBuilder ord = new StringBuilder(1 << 17);
        StringBuilder items = new StringBuilder(1 << 18);
        List<PaymentRecord> payments = new ArrayList<>();
        List<ShipmentRecord> shipments = new ArrayList<>();
        int orders = (int) Math.round(config.ordersPerDay() * factor * (0.9 + 0.2 * r.nextDouble()));
        long lineCount = 0;
        long[] chosen = new long[5];
        for (int i = 0; i < orders; i++) {
            long orderId = nextOrderId++;
            // older customers order more: density of the index grows with tenure
            long customer = 1 + (long) ((1 - Math.sqrt(r.nextDouble())) * customers);
            if (customer > customers) {
                customer = customers;
            }
            int country = customerCountry[(int) customer];
            int segment = customerVip[(int) customer] ? 2 : epochDay - customerRegistered[(int) customer] < 60 ? 0 : 1;
            int lines = 1 + ShopModel.pick(r, ShopModel.ITEMS_W);
            long subtotal = 0;
            int seconds = r.nextInt(86_400);
            String time = String.format("%s %02d:%02d:%02d", ds, seconds / 3600, seconds / 60 % 60, seconds % 60);
            for (int l = 0; l < lines; l++) {
                long[] p;
                boolean dup;
                do {
                    p = products.get(r.nextInt(products.size()));
                    dup = false;
                    for (int k = 0; k < l; k++) {
                        dup |= chosen[k] == p[0];
                    }
                } while (dup);
                chosen[l] = p[0];
                int qty = 1 + r.nextInt(3);
                long sub = p[2] * qty;
                subtotal += sub;
                items.append(orderId).append('\t').append(l + 1).append('\t').append(p[0]).append('\t').append(qty)
                        .append('\t').append(cents(p[2])).append('\t').append(cents(sub)).append('\t').append(time)
                        .append('\n');
                lineCount++;
            }
            long discount = Math.round(subtotal * ShopModel.SEGMENT_DISCOUNT[segment]);
            long tax = Math.round((subtotal - discount) * ShopModel.TAX[country]);
            long shipping = subtotal >= ShopModel.FREE_SHIPPING[segment] * 100 ? 0
                    : Math.round((ShopModel.SHIP_MIN[country]
                            + r.nextDouble() * (ShopModel.SHIP_MAX[country] - ShopModel.SHIP_MIN[country])) * 100);
            long total = subtotal - discount + tax + shipping;
            int payStatus = ShopModel.pick(r, ShopModel.PAY_STATUS_W);
            int method = ShopModel.pick(r, ShopModel.PAY_METHOD_W);
            String status = payStatus == 1 ? "cancelled" : payStatus == 2 ? "pending" : "processing";
            ord.append(orderId).append('\t').append(customer).append('\t').append(ds).append('\t').append(time)
                    .append('\t').append(status).append('\t').append(cents(subtotal)).append('\t')
                    .append(cents(discount)).append('\t').append(cents(tax)).append('\t').append(cents(shipping))
                    .append('\t').append(cents(total)).append('\t').append(ShopModel.COUNTRIES[country]).append('\t')
                    .append(time).append('\t').append(time).append('\n');
            payments.add(new PaymentRecord(orderId, orderId, customer, ds, ShopModel.PAY_METHODS[method],
                    ShopModel.PAY_STATUS[payStatus], total / 100.0, "USD"));
            if (payStatus != 1) {
                int carrier = ShopModel.pick(r, ShopModel.CARRIER_W);
                int min = ShopModel.CARRIER_DAYS_MIN[carrier];
                int eta = min + r.nextInt(ShopModel.CARRIER_DAYS_MAX[carrier] - min + 1);
                String shipStatus = r.nextDouble() < 0.03 ? "exception" : "label_created";
                shipments.add(new ShipmentRecord(orderId, orderId, ds, ShopModel.CARRIERS[carrier],
                        String.format("%s%012d", ShopModel.CARRIERS[carrier].substring(0, 2).toUpperCase(), orderId),
                        day.plusDays(1L + eta).toString(), shipStatus, ShopModel.COUNTRIES[country]));
            }
        }

        // Parquet first: a day is marked done only after its files exist
        writeParquet("source/payments/date=" + ds + "/payments_" + ds + ".parquet", PaymentRecord.class, payments);
        writeParquet("source/shipments/date=" + ds + "/shipments_" + ds + ".parquet", ShipmentRecord.class,
                shipments);

        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
                copyIn(copy, "shop.customers", cust);
                copyIn(copy, "shop.products", prod);
                copyIn(copy, "shop.orders", ord);
                copyIn(copy, "shop.order_items", items);
                List<Long> updated = progressStatuses(c, day);
                try (PreparedStatement ps = c.prepareStatement("UPDATE shop.customers c SET lifetime_value = "
                        + "c.lifetime_value + s.total, updated_at = ?::timestamp FROM (SELECT customer_id, "
                        + "sum(total_amount) total FROM shop.orders WHERE order_date = ? AND status <> 'cancelled' "
                        + "GROUP BY customer_id) s WHERE c.customer_id = s.customer_id")) {
                    ps.setString(1, dayTs);
                    ps.setDate(2, Date.valueOf(day));
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE shop.customers SET segment = 'Regular', "
                        + "updated_at = ?::timestamp WHERE segment = 'New' AND registration_date <= ?")) {
                    ps.setString(1, dayTs);
                    ps.setDate(2, Date.valueOf(day.minusDays(60)));
                    ps.executeUpdate();
                }
                long files = export ? new DayExport(c, s3, incoming, config.exportOrderFiles(),
                        config.exportItemFiles()).write(day, updated) : 0;
                counts.put("customers", customers - customersBefore);
                counts.put("products", (long) (products.size() - productsBefore));
                counts.put("orders", (long) orders);
                counts.put("order_items", lineCount);
                counts.put("status_updates", (long) updated.size());
                counts.put("payments", (long) payments.size());
                counts.put("shipments", (long) shipments.size());
                counts.put("export_files", files);
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO shop.generated_days (day, customers, "
                        + "products, orders, order_items, status_updates, payments, shipments) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                    ps.setDate(1, Date.valueOf(day));
                    int i = 2;
                    for (String k : new String[] {"customers", "products", "orders", "order_items",
                        "status_updates", "payments", "shipments"}) {
                        ps.setLong(i++, counts.get(k));
                    }
                    ps.executeUpdate();
                }
                c.commit();
            } catch (Exception e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (Exception e) {
            // the in-memory view no longer matches the database: reload it before anything else
            loadState();
            throw e;
        }
        return counts;
    }

    /**
     * Earlier orders move on with age (pending/processing -> shipped after 2 days -> delivered after 4; 6% of them
     * refunded after 10), in one bulk UPDATE per day; returns the ids it changed.
     */
    static List<Long> progressStatuses(Connection c, LocalDate day) throws SQLException {
        String target = "CASE WHEN ?::date - order_date >= 10 AND mod(order_id * 2654435761, 100) < "
                + Math.round(ShopModel.REFUND_SHARE * 100) + " THEN 'refunded' "
                + "WHEN ?::date - order_date >= 4 THEN 'delivered' "
                + "WHEN ?::date - order_date >= 2 THEN 'shipped' "
                + "WHEN ?::date - order_date >= 1 THEN 'processing' ELSE status END";
        String sql = "UPDATE shop.orders o SET status = n.target, updated_at = ?::timestamp FROM (SELECT order_id, "
                + target + " AS target FROM shop.orders WHERE order_date >= ? AND order_date < ? "
                + "AND status NOT IN ('cancelled', 'refunded')) n "
                + "WHERE o.order_id = n.order_id AND o.status <> n.target RETURNING o.order_id";
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, day + " 02:00:00");
            for (int i = 2; i <= 5; i++) {
                ps.setDate(i, Date.valueOf(day));
            }
            ps.setDate(6, Date.valueOf(day.minusDays(12)));
            ps.setDate(7, Date.valueOf(day));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        ids.sort(null);
        return ids;
    }

    private static void copyIn(CopyManager copy, String table, StringBuilder rows) throws SQLException, IOException {
        if (rows.length() > 0) {
            copy.copyIn("COPY " + table + " FROM STDIN", new StringReader(rows.toString()));
        }
    }

    private <T> void writeParquet(String key, Class<T> type, List<T> rows) throws IOException {
        Path tmp = Files.createTempFile("gen-", ".parquet");
        try {
            try (OutputStream out = Files.newOutputStream(tmp); CarpetWriter<T> w = new CarpetWriter<>(out, type)) {
                w.write(rows);
            }
            s3.put(key, tmp, "application/vnd.apache.parquet");
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static String cents(long c) {
        String sign = c < 0 ? "-" : "";
        long a = Math.abs(c);
        return sign + a / 100 + "." + (a % 100 < 10 ? "0" : "") + a % 100;
    }

    private void writeRunLog(RunResult r, Instant started) {
        StringBuilder j = new StringBuilder("{");
        j.append("\"run_date\":\"").append(started).append('"');
        j.append(",\"mode\":\"").append(r.mode()).append('"');
        j.append(",\"status\":\"").append(r.status()).append('"');
        j.append(",\"first_processed_date\":").append(r.firstDay() == null ? "null" : "\"" + r.firstDay() + "\"");
        j.append(",\"last_processed_date\":").append(r.lastDay() == null ? "null" : "\"" + r.lastDay() + "\"");
        j.append(",\"days\":").append(r.days());
        j.append(",\"seed\":").append(config.seed()).append(",\"scale\":").append(config.scale());
        j.append(",\"duration_ms\":").append(r.millis());
        j.append(",\"records\":{");
        boolean firstEntry = true;
        for (Map.Entry<String, Long> e : r.records().entrySet()) {
            j.append(firstEntry ? "" : ",").append('"').append(e.getKey()).append("\":").append(e.getValue());
            firstEntry = false;
        }
        j.append('}');
        if (r.error() != null) {
            j.append(",\"error\":\"").append(r.error().replace("\\", "\\\\").replace("\"", "\\\"")
                    .replace("\n", "\\n")).append('"');
        }
        j.append("}\n");
        s3.put(r.runLogKey(), j.toString().getBytes(StandardCharsets.UTF_8), "application/json");
        LOG.info("Generator run {} {}: {} day(s) through {}, {} -> {}", r.mode(), r.status(), r.days(), r.lastDay(),
                r.records(), r.runLogKey());
    }

    static Array longArray(Connection c, List<Long> ids) throws SQLException {
        return c.createArrayOf("bigint", ids.toArray());
    }
}
