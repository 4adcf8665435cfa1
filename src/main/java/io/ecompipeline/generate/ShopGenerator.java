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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import com.jerolba.carpet.CarpetWriter;
import io.ecompipeline.common.S3Objects;
import io.ecompipeline.common.SqlScripts;
import io.ecompipeline.observe.PipelineMetrics;
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
    private final long exportWaitMillis;
    private List<String> lastExport = List.of();
    private final PipelineMetrics metrics;

    private ShopState state;
    private ExecutorService parquetWriter;

    public ShopGenerator(DataSource dataSource, S3Objects s3, GeneratorConfig config, String incomingPrefix,
            long progressEveryMillis, long exportWaitMillis, PipelineMetrics metrics) {
        this.metrics = metrics;
        this.dataSource = dataSource;
        this.s3 = s3;
        this.config = config;
        this.incoming = incomingPrefix;
        this.progressEveryMillis = progressEveryMillis;
        this.exportWaitMillis = exportWaitMillis;
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
            // an initial run that was interrupted is resumed by running it again: still the history (exports as for
            // the history), from the day after the last committed one
            if ("initial".equals(mode) && lastDone != null && !lastDone.isBefore(config.through())) {
                throw new IllegalStateException("mode initial: shop already holds data through " + lastDone
                        + " (use incremental or reload)");
            }
            if ("initial".equals(mode) && lastDone != null) {
                LOG.info("Generator initial: resuming the history after {}", lastDone);
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
            boolean export = "initial".equals(mode) ? config.exportHistory() : config.exportDaily();
            loadState(lastDone);
            long total = Math.max(0, to.toEpochDay() - from.toEpochDay() + 1);
            // exports read the database as of their day, so exporting runs commit day by day
            int perCommit = export ? 1 : Math.max(1, config.daysPerCommit());
            LOG.info("Generator {}: {} day(s) {}..{}, scale {}, seed {}, exports {}, {} day(s) per commit", mode,
                    total, from, to, config.scale(), config.seed(), export ? "on" : "off", perCommit);
            long t0 = System.nanoTime();
            long lastReport = System.currentTimeMillis();
            parquetWriter = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "generator-parquet");
                t.setDaemon(true);
                return t;
            });
            try {
                for (LocalDate d = from; !d.isAfter(to); ) {
                    if (Thread.currentThread().isInterrupted()) {
                        throw new InterruptedException("generator interrupted before " + d);
                    }
                    LocalDate end = d.plusDays(perCommit - 1L).isAfter(to) ? to : d.plusDays(perCommit - 1L);
                    if (export && !lastExport.isEmpty() && exportWaitMillis > 0) {
                        awaitCollected(lastExport, d);
                    }
                    Map<String, Long> chunk = generateDays(d, end, export);
                    chunk.forEach((k, v) -> records.merge(k, v, Long::sum));
                    chunk.forEach((table, rows) -> {
                        if (!"export_files".equals(table)) { // a count of files, not of rows
                            metrics.generatorRows(table, rows);
                        }
                    });
                    if (first == null) {
                        first = d;
                    }
                    last = end;
                    days += (int) (end.toEpochDay() - d.toEpochDay() + 1);
                    long now = System.currentTimeMillis();
                    if (now - lastReport >= progressEveryMillis || days == total) {
                        lastReport = now;
                        logProgress(days, total, records, System.nanoTime() - t0);
                    }
                    d = end.plusDays(1);
                }
            } finally {
                parquetWriter.shutdownNow();
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

    void applySchema() throws SQLException {
        SqlScripts.apply(dataSource, "/sql/shop-schema.sql", 774411);
    }

    LocalDate lastGeneratedDay() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT max(day) FROM shop.generated_days")) {
            rs.next();
            Date d = rs.getDate(1);
            return d == null ? null : d.toLocalDate();
        }
    }

    /**
     * Before a run that feeds the pipeline writes its next day, the previous day's file set must have left
     * {@code incoming/}: the pipeline keeps the first occurrence of an order within a batch, so an order exported on
     * two days (placed, then its status changed) must not land in one batch twice.
     */
    private void awaitCollected(List<String> keys, LocalDate next) throws InterruptedException {
        long deadline = System.currentTimeMillis() + exportWaitMillis;
        long nextLog = System.currentTimeMillis() + Math.max(progressEveryMillis, 1000);
        while (true) {
            java.util.Set<String> waiting = new java.util.HashSet<>();
            for (var o : s3.list(incoming)) {
                waiting.add(o.key());
            }
            waiting.retainAll(keys);
            if (waiting.isEmpty()) {
                return;
            }
            long now = System.currentTimeMillis();
            if (now > deadline) {
                throw new IllegalStateException("the previous day's export (" + waiting.size() + " of " + keys.size()
                        + " files, e.g. " + waiting.iterator().next() + ") is still under " + incoming + " after "
                        + exportWaitMillis / 1000 + " s: is the pipeline collecting? Days from " + next
                        + " are generated by the next run");
            }
            if (now >= nextLog) {
                LOG.info("Generator waits for the pipeline to collect {} file(s) of the previous day's export before "
                        + "writing {}", waiting.size(), next);
                nextLog = now + Math.max(progressEveryMillis, 1000);
            }
            Thread.sleep(200);
        }
    }

    private void loadState(LocalDate lastDone) throws SQLException {
        state = new ShopState(config.seed());
        try (Connection c = dataSource.getConnection()) {
            state.load(c, lastDone);
        }
    }

    // ---------------------------------------------------------------- days

    /**
     * Generates {@code from..to} and commits them in one transaction: every row is written once, in its state as of
     * {@code to} (orders' statuses, customers' segments and lifetime values), so a commit of several days writes the
     * same tables as several commits of one day. Parquet files and exports are written before the commit.
     */
    private Map<String, Long> generateDays(LocalDate from, LocalDate to, boolean export) throws Exception {
        int first = (int) from.toEpochDay();
        int last = (int) to.toEpochDay();
        long customersBefore = state.customers;
        int productsBefore = state.products.size();
        long ordersBefore = state.nextOrderId;
        int openBefore = state.open;
        Chunk chunk = new Chunk(last - first + 1);
        List<Future<?>> parquet = new ArrayList<>();
        for (int day = first; day <= last; day++) {
            generateDay(day, last, chunk, parquet);
        }
        List<Long> changedIds = progressOpenOrders(openBefore, first, last, chunk);
        StringBuilder customerRows = new StringBuilder(1 << 16);
        for (long id = customersBefore + 1; id <= state.customers; id++) {
            int i = (int) id;
            customerRows.append(chunk.customerPrefixes.get((int) (id - customersBefore - 1))).append('\t')
                    .append(ShopModel.SEGMENTS[state.segment[i]]).append('\t').append(cents(state.lifetimeCents[i]))
                    .append('\t').append(LocalDate.ofEpochDay(state.registered[i])).append(" 00:00:00\t")
                    .append(timestamp(state.changedAt[i])).append('\n');
        }
        List<Integer> changedCustomers = new ArrayList<>();
        for (int i = 1; i <= customersBefore; i++) {
            if (state.unsaved(i)) {
                changedCustomers.add(i);
            }
        }

        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
                copyIn(copy, "shop.customers", customerRows);
                copyIn(copy, "shop.products", chunk.products);
                copyIn(copy, "shop.orders", chunk.orders);
                copyIn(copy, "shop.order_items", chunk.items);
                updateOrders(c, chunk);
                updateCustomers(c, changedCustomers);
                long files = 0;
                List<String> exported = List.of();
                if (export) {
                    exported = new DayExport(c, s3, incoming, config.exportOrderFiles(), config.exportItemFiles())
                            .write(to, changedIds);
                    files = exported.size();
                }
                insertGeneratedDays(c, first, chunk);
                for (Future<?> f : parquet) {
                    f.get(); // a day is marked done only after its Parquet files exist
                }
                c.commit();
                lastExport = exported;
                counts.put("customers", state.customers - customersBefore);
                counts.put("products", (long) (state.products.size() - productsBefore));
                counts.put("orders", state.nextOrderId - ordersBefore);
                counts.put("order_items", sum(chunk.dayCounts, 3));
                counts.put("status_updates", sum(chunk.dayCounts, 4));
                counts.put("payments", sum(chunk.dayCounts, 5));
                counts.put("shipments", sum(chunk.dayCounts, 6));
                counts.put("export_files", files);
            } catch (Exception e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (Exception e) {
            for (Future<?> f : parquet) {
                f.cancel(true);
            }
            // the in-memory view no longer matches the database: reload it before anything else
            try {
                loadState(lastGeneratedDay());
            } catch (Exception reload) {
                e.addSuppressed(reload);
            }
            throw e;
        }
        for (long id = 1; id <= state.customers; id++) {
            state.saved((int) id);
        }
        return counts;
    }

    /** What a commit writes, built in memory day by day. */
    private static final class Chunk {
        final List<String> customerPrefixes = new ArrayList<>();
        final StringBuilder products = new StringBuilder(4096);
        final StringBuilder orders = new StringBuilder(1 << 17);
        final StringBuilder items = new StringBuilder(1 << 18);
        /** Per day: customers, products, orders, order_items, status_updates, payments, shipments. */
        final long[][] dayCounts;
        final List<Long> updatedIds = new ArrayList<>();
        final List<String> updatedStatuses = new ArrayList<>();
        final List<String> updatedAt = new ArrayList<>();

        Chunk(int days) {
            dayCounts = new long[days][7];
        }
    }

    private void generateDay(int epochDay, int commitDay, Chunk chunk, List<Future<?>> parquet) {
        LocalDate day = LocalDate.ofEpochDay(epochDay);
        long[] counts = chunk.dayCounts[epochDay - (commitDay - chunk.dayCounts.length + 1)];
        SplittableRandom r = new SplittableRandom(config.seed() * 1_000_003L + epochDay);
        SplittableRandom period = new SplittableRandom(config.seed() * 7_919L + Math.floorDiv(epochDay, 30));
        double factor = ShopModel.PERIOD_FACTOR[ShopModel.pick(period, ShopModel.PERIOD_W)];
        String ds = day.toString();
        String dayTs = ds + " 00:00:00";
        long midnight = epochDay * 86_400L;
        state.startDay(epochDay);

        int newCustomers = config.customersPerDay();
        for (int n = 0; n < newCustomers; n++) {
            long id = state.customers + 1;
            byte country = (byte) ShopModel.pick(r, ShopModel.COUNTRY_W);
            state.addCustomer(id, epochDay, country);
            int i = (int) id;
            state.segment[i] = state.segmentOn(i, epochDay);
            state.changedAt[i] = midnight;
            String fn = ShopModel.FIRST[r.nextInt(ShopModel.FIRST.length)];
            String ln = ShopModel.LAST[r.nextInt(ShopModel.LAST.length)];
            chunk.customerPrefixes.add(id + "\t" + fn + "\t" + ln + "\t" + fn.toLowerCase() + "."
                    + ln.toLowerCase().replace(' ', '_') + id + "@example.com\t" + (1 + r.nextInt(9999)) + " "
                    + ShopModel.STREETS[r.nextInt(ShopModel.STREETS.length)] + "\t" + ShopModel.COUNTRIES[country]
                    + "\t" + ds);
        }
        counts[0] = newCustomers;
        int newProducts = config.productsPerDay() + (state.products.isEmpty() ? 20 * config.productsPerDay() : 0);
        for (int n = 0; n < newProducts; n++) {
            long id = state.products.size() + 1L;
            int cat = r.nextInt(ShopModel.CATEGORIES.length);
            double[] pr = ShopModel.PRICE[cat];
            long price = Math.round((pr[0] + r.nextDouble() * (pr[1] - pr[0])) * 100);
            double margin = pr[2] + r.nextDouble() * (pr[3] - pr[2]);
            long cost = Math.round(price * (1 - margin));
            state.products.add(new long[] {id, cat, price, cost});
            chunk.products.append(id).append('\t').append(ShopModel.ADJ[r.nextInt(ShopModel.ADJ.length)])
                    .append(' ').append(ShopModel.CATEGORIES[cat].split(" ")[0]).append(' ')
                    .append(ShopModel.NOUN[r.nextInt(ShopModel.NOUN.length)]).append(' ').append(id).append('\t')
                    .append(ShopModel.CATEGORIES[cat]).append('\t').append(cents(price)).append('\t')
                    .append(cents(cost)).append('\t').append(10 + r.nextInt(490)).append('\t').append(dayTs)
                    .append('\t').append(dayTs).append('\n');
        }
        counts[1] = newProducts;

        List<PaymentRecord> payments = new ArrayList<>();
        List<ShipmentRecord> shipments = new ArrayList<>();
        List<long[]> todaysSpend = new ArrayList<>();
        int orders = (int) Math.round(config.ordersPerDay() * factor * (0.9 + 0.2 * r.nextDouble()));
        long customers = state.customers;
        long[] chosen = new long[5];
        for (int n = 0; n < orders; n++) {
            long orderId = state.nextOrderId++;
            // older customers order more: density of the index grows with tenure
            long customer = Math.min(customers, 1 + (long) ((1 - Math.sqrt(r.nextDouble())) * customers));
            int ci = (int) customer;
            int country = state.country[ci];
            int segment = state.segment[ci];
            int lines = 1 + ShopModel.pick(r, ShopModel.ITEMS_W);
            long subtotal = 0;
            int seconds = r.nextInt(86_400);
            String time = ds + ' ' + two(seconds / 3600) + ':' + two(seconds / 60 % 60) + ':' + two(seconds % 60);
            for (int l = 0; l < lines; l++) {
                long[] p;
                boolean dup;
                do {
                    p = state.products.get(r.nextInt(state.products.size()));
                    dup = false;
                    for (int k = 0; k < l; k++) {
                        dup |= chosen[k] == p[0];
                    }
                } while (dup);
                chosen[l] = p[0];
                int qty = 1 + r.nextInt(3);
                long sub = p[2] * qty;
                subtotal += sub;
                chunk.items.append(orderId).append('\t').append(l + 1).append('\t').append(p[0]).append('\t')
                        .append(qty).append('\t').append(cents(p[2])).append('\t').append(cents(sub)).append('\t')
                        .append(time).append('\n');
            }
            counts[3] += lines;
            long discount = Math.round(subtotal * ShopModel.SEGMENT_DISCOUNT[segment]);
            long tax = Math.round((subtotal - discount) * ShopModel.TAX[country]);
            long shipping = subtotal >= ShopModel.FREE_SHIPPING[segment] * 100 ? 0
                    : Math.round((ShopModel.SHIP_MIN[country]
                            + r.nextDouble() * (ShopModel.SHIP_MAX[country] - ShopModel.SHIP_MIN[country])) * 100);
            long total = subtotal - discount + tax + shipping;
            int payStatus = ShopModel.pick(r, ShopModel.PAY_STATUS_W);
            int method = ShopModel.pick(r, ShopModel.PAY_METHOD_W);
            byte placed = payStatus == 1 ? ShopModel.CANCELLED : payStatus == 2 ? ShopModel.PENDING
                    : ShopModel.PROCESSING;
            byte now = ShopModel.statusOn(orderId, epochDay, placed, commitDay);
            chunk.orders.append(orderId).append('\t').append(customer).append('\t').append(ds).append('\t')
                    .append(time).append('\t').append(ShopModel.STATUSES[now]).append('\t').append(cents(subtotal))
                    .append('\t').append(cents(discount)).append('\t').append(cents(tax)).append('\t')
                    .append(cents(shipping)).append('\t').append(cents(total)).append('\t')
                    .append(ShopModel.COUNTRIES[country]).append('\t').append(time).append('\t')
                    .append(now == placed ? time : statusTimestamp(epochDay, now)).append('\n');
            state.addOpenOrder(orderId, epochDay, placed);
            if (placed != ShopModel.CANCELLED) {
                state.ordered(ci, epochDay, total, midnight + seconds, todaysSpend);
            }
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
        counts[2] = orders;
        counts[5] = payments.size();
        counts[6] = shipments.size();
        state.endDay(epochDay, todaysSpend);
        parquet.add(parquetWriter.submit(() -> {
            writeParquet("source/payments/date=" + ds + "/payments_" + ds + ".parquet", PaymentRecord.class,
                    payments);
            writeParquet("source/shipments/date=" + ds + "/shipments_" + ds + ".parquet", ShipmentRecord.class,
                    shipments);
            return null;
        }));
    }

    /**
     * Moves the orders placed before this commit on to their status as of {@code last}, counts each day's status
     * changes (orders placed in this commit included), and returns the ids that changed, for the exports.
     */
    private List<Long> progressOpenOrders(int openBefore, int first, int last, Chunk chunk) {
        List<Long> changed = new ArrayList<>();
        for (int k = 0; k < state.open; k++) {
            long id = state.openIds[k];
            int placedOn = state.openDays[k];
            byte saved = state.openSaved[k];
            byte previous = k < openBefore ? saved : ShopModel.statusOn(id, placedOn, saved, placedOn);
            for (int day = Math.max(first, placedOn + 1); day <= last; day++) {
                byte s = ShopModel.statusOn(id, placedOn, saved, day);
                if (s != previous) {
                    chunk.dayCounts[day - first][4]++;
                    previous = s;
                }
            }
            if (k < openBefore && previous != saved) {
                changed.add(id);
                chunk.updatedIds.add(id);
                chunk.updatedStatuses.add(ShopModel.STATUSES[previous]);
                chunk.updatedAt.add(statusTimestamp(placedOn, previous));
            }
            state.openSaved[k] = previous;
        }
        state.closeOrdersBefore(last + 1);
        changed.sort(null);
        return changed;
    }

    private static void updateOrders(Connection c, Chunk chunk) throws SQLException {
        if (chunk.updatedIds.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE shop.orders o SET status = u.status, "
                + "updated_at = u.at::timestamp FROM unnest(?::bigint[], ?::text[], ?::text[]) AS u(id, status, at) "
                + "WHERE o.order_id = u.id")) {
            ps.setArray(1, c.createArrayOf("bigint", chunk.updatedIds.toArray()));
            ps.setArray(2, c.createArrayOf("text", chunk.updatedStatuses.toArray()));
            ps.setArray(3, c.createArrayOf("text", chunk.updatedAt.toArray()));
            ps.executeUpdate();
        }
    }

    private void updateCustomers(Connection c, List<Integer> ids) throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        Object[] idArray = new Object[ids.size()];
        Object[] segments = new Object[ids.size()];
        Object[] values = new Object[ids.size()];
        Object[] at = new Object[ids.size()];
        for (int k = 0; k < idArray.length; k++) {
            int i = ids.get(k);
            idArray[k] = (long) i;
            segments[k] = ShopModel.SEGMENTS[state.segment[i]];
            values[k] = cents(state.lifetimeCents[i]);
            at[k] = timestamp(state.changedAt[i]);
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE shop.customers c SET segment = u.segment, "
                + "lifetime_value = u.value::numeric, updated_at = u.at::timestamp "
                + "FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[]) AS u(id, segment, value, at) "
                + "WHERE c.customer_id = u.id")) {
            ps.setArray(1, c.createArrayOf("bigint", idArray));
            ps.setArray(2, c.createArrayOf("text", segments));
            ps.setArray(3, c.createArrayOf("text", values));
            ps.setArray(4, c.createArrayOf("text", at));
            ps.executeUpdate();
        }
    }

    private static void insertGeneratedDays(Connection c, int first, Chunk chunk) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO shop.generated_days (day, customers, "
                + "products, orders, order_items, status_updates, payments, shipments) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (int k = 0; k < chunk.dayCounts.length; k++) {
                ps.setDate(1, Date.valueOf(LocalDate.ofEpochDay(first + k)));
                for (int j = 0; j < 7; j++) {
                    ps.setLong(j + 2, chunk.dayCounts[k][j]);
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Status changes are stamped at the generator's daily run time (02:00) of the day they happen. */
    private static String statusTimestamp(int placedOn, byte status) {
        return LocalDate.ofEpochDay(placedOn + (long) ShopModel.STATUS_AGE[status]) + " 02:00:00";
    }

    private static String timestamp(long epochSecond) {
        int secondOfDay = (int) Math.floorMod(epochSecond, 86_400L);
        return LocalDate.ofEpochDay(Math.floorDiv(epochSecond, 86_400L)) + " " + two(secondOfDay / 3600) + ":"
                + two(secondOfDay / 60 % 60) + ":" + two(secondOfDay % 60);
    }

    private static String two(int v) {
        return v < 10 ? "0" + v : Integer.toString(v);
    }

    private static long sum(long[][] perDay, int column) {
        long s = 0;
        for (long[] d : perDay) {
            s += d[column];
        }
        return s;
    }

    private static void copyIn(CopyManager copy, String table, StringBuilder rows) throws SQLException, IOException {
        if (rows.length() > 0) {
            copy.copyIn("COPY " + table + " FROM STDIN", new StringReader(rows.toString()));
        }
    }

    private <T> void writeParquet(String key, Class<T> type, List<T> rows) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(64 * 1024);
        try (CarpetWriter<T> w = new CarpetWriter<>(out, type)) {
            w.write(rows);
        }
        s3.put(key, out.toByteArray(), "application/vnd.apache.parquet");
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
