package io.ecompipeline.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.ecompipeline.cli.KpiExport;
import io.ecompipeline.local.LocalServices;
import io.ecompipeline.support.ChildPipeline;
import io.ecompipeline.support.TestPipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The data generator on the embedded servers, at a small scale (0.05: 10 customers, 40 orders a day). */
class GeneratorTest {

    static final LocalDate THROUGH = LocalDate.of(2026, 3, 31);
    static final Map<String, String> SMALL = Map.of("scale", "0.05", "seed", "7", "through", THROUGH.toString());

    static final String NON_CANCELLED = "(SELECT count(*) FROM shop.orders o WHERE o.customer_id = c.customer_id "
            + "AND o.status <> 'cancelled')";

    @TempDir
    Path work;

    static TestPipeline fresh() throws Exception {
        return fresh(Map.of());
    }

    static TestPipeline fresh(Map<String, String> overrides) throws Exception {
        LocalServices s = TestPipeline.services();
        try (Connection c = DriverManager.getConnection(s.jdbcUrl(), s.jdbcUser(), s.jdbcPassword());
                Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS shop CASCADE");
        }
        Map<String, String> all = new HashMap<>(overrides);
        all.put("pipeline.generator.schedule-enabled", "false");
        return TestPipeline.fresh(all);
    }

    static ShopGenerator.RunResult generate(TestPipeline p, Map<String, String> options) throws Exception {
        GeneratorService g = p.bean("shopGenerator", GeneratorService.class);
        Map<String, String> all = new HashMap<>(SMALL);
        all.putAll(options);
        return g.run(g.with(all), true);
    }

    static Map<String, String> checksums(TestPipeline p) throws Exception {
        Map<String, String> sums = new TreeMap<>();
        LocalServices s = TestPipeline.services();
        try (Connection c = DriverManager.getConnection(s.jdbcUrl(), s.jdbcUser(), s.jdbcPassword());
                Statement st = c.createStatement()) {
            for (String[] t : new String[][] {{"customers", "customer_id"}, {"products", "product_id"},
                {"orders", "order_id"}, {"order_items", "order_id, line_no"}}) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) || ':' || md5(coalesce(string_agg(x::text, '|' "
                        + "ORDER BY " + t[1] + "), '')) FROM (SELECT *, t AS x FROM shop." + t[0] + " t) q")) {
                    rs.next();
                    sums.put(t[0], rs.getString(1));
                }
            }
        }
        return sums;
    }

    static Map<String, byte[]> parquet(TestPipeline p) {
        Map<String, byte[]> out = new TreeMap<>();
        p.objects().forEach((k, v) -> {
            if (k.startsWith("source/")) {
                out.put(k, v);
            }
        });
        return out;
    }

    @Test
    void sameSeedSameDataAndASplitRunResumesWithoutGapsOrDuplicates() throws Exception {
        Map<String, String> whole;
        Map<String, byte[]> wholeParquet;
        try (TestPipeline p = fresh()) {
            ShopGenerator.RunResult r = generate(p, Map.of("days", "20"));
            assertThat(r.mode()).isEqualTo("initial");
            assertThat(r.days()).isEqualTo(20);
            assertThat(r.lastDay()).isEqualTo(THROUGH);
            whole = checksums(p);
            wholeParquet = parquet(p);
            assertThat(wholeParquet).hasSize(40);
            assertThat(p.objects().keySet()).filteredOn(k -> k.startsWith("logs/operations/run_")).singleElement()
                    .satisfies(k -> assertThat(p.object(k)).contains("\"status\":\"success\"")
                            .contains("\"last_processed_date\":\"2026-03-31\""));
            assertThat(p.objects().keySet()).noneMatch(k -> k.startsWith("incoming/"));
        }
        try (TestPipeline p = fresh()) {
            generate(p, Map.of("days", "20"));
            assertThat(checksums(p)).isEqualTo(whole);
            Map<String, byte[]> again = parquet(p);
            assertThat(again.keySet()).isEqualTo(wholeParquet.keySet());
            again.forEach((k, v) -> assertThat(v).as(k).isEqualTo(wholeParquet.get(k)));
        }
        try (TestPipeline p = fresh()) {
            // stopped after 12 days (a day boundary), then resumed: the same tables, no gap, no duplicate
            generate(p, Map.of("days", "12", "through", THROUGH.minusDays(8).toString()));
            ShopGenerator.RunResult r = generate(p, Map.of("mode", "incremental", "export", "false"));
            assertThat(r.firstDay()).isEqualTo(THROUGH.minusDays(7));
            assertThat(r.days()).isEqualTo(8);
            assertThat(checksums(p)).isEqualTo(whole);
            assertThat(parquet(p).keySet()).isEqualTo(wholeParquet.keySet());
            // nothing left to do: an incremental run is empty
            assertThat(generate(p, Map.of("mode", "incremental")).days()).isZero();
        }
        try (TestPipeline p = fresh()) {
            // a commit per day instead of one for the 20 days: the same tables and files
            generate(p, Map.of("days", "20", "days-per-commit", "1"));
            assertThat(checksums(p)).isEqualTo(whole);
            assertThat(parquet(p).keySet()).isEqualTo(wholeParquet.keySet());
            assertThat(count("SELECT count(*) FROM shop.generated_days")).isEqualTo(20);
        }
        try (TestPipeline p = fresh()) {
            generate(p, Map.of("days", "20", "seed", "8"));
            assertThat(checksums(p)).isNotEqualTo(whole);
        }
    }

    @Test
    void theHistorysScaleAndSeedAreKeptRefusalsAreClearAndNothingToDoIsSaidSo() throws Exception {
        try (TestPipeline p = fresh()) {
            GeneratorService g = p.bean("shopGenerator", GeneratorService.class);
            assertThatThrownBy(() -> g.run(g.with(Map.of("mode", "incremental")), true))
                    .isInstanceOf(ShopGenerator.Refused.class).hasMessageContaining("the shop is empty");
            assertThat(count("SELECT count(*) FROM shop.generated_days")).as("nothing ran").isZero();

            ShopGenerator.RunResult history = generate(p, Map.of("days", "5", "scale", "0.1", "seed", "9",
                    "through", THROUGH.minusDays(3).toString()));
            assertThat(history.settings()).isEqualTo("scale 0.1 and seed 9 (given)");
            assertThat(count("SELECT count(*) FROM shop.generator_settings WHERE seed = 9 AND scale = 0.1 "
                    + "AND first_day = date '" + THROUGH.minusDays(7) + "'")).isEqualTo(1);

            // no --scale or --seed: the history's, not the configured 1.0 and 42
            ShopGenerator.RunResult later = g.run(g.with(Map.of("mode", "incremental", "export", "false",
                    "through", THROUGH.toString())), true);
            assertThat(later.days()).isEqualTo(3);
            assertThat(later.scale()).isEqualTo(0.1);
            assertThat(later.seed()).isEqualTo(9);
            assertThat(later.settings()).isEqualTo("scale 0.1 and seed 9 (the history's)");
            assertThat(later.describe()).isEqualTo("3 day(s) 2026-03-29..2026-03-31, scale 0.1 and seed 9 "
                    + "(the history's)");
            assertThat(count("SELECT max(orders) FROM shop.generated_days")).as("scale 0.1: about 80 orders a day")
                    .isLessThan(100);
            assertThat(count("SELECT count(*) FROM shop.generator_settings")).isEqualTo(1);

            // up to date: said so, no "0 day(s) null.."
            ShopGenerator.RunResult none = g.run(g.with(Map.of("mode", "incremental", "scale", "0.2",
                    "export", "false", "through", THROUGH.toString())), true);
            assertThat(none.days()).isZero();
            assertThat(none.describe()).isEqualTo("nothing to generate: the shop is up to date through " + THROUGH);
            assertThat(none.settings()).isEqualTo("scale 0.2 (given; the history's is 0.1), seed 9 (the history's)");

            // never a day after today, whatever the configuration says
            LocalDate tomorrow = LocalDate.now(java.time.ZoneOffset.UTC).plusDays(1);
            assertThatThrownBy(() -> g.run(g.defaults().withThrough(tomorrow), true))
                    .isInstanceOf(ShopGenerator.Refused.class).hasMessageContaining("is after today");
            assertThat(count("SELECT max(day) FROM shop.generated_days WHERE day > date '" + THROUGH + "'"))
                    .isZero();
            assertThat(p.objects().keySet()).filteredOn(k -> k.startsWith("logs/operations/run_"))
                    .anySatisfy(k -> assertThat(p.object(k)).contains("\"status\":\"refused\""));
        }
    }

    @Test
    void aRunThatWouldWaitForAPipelineThatIsNotThereIsRefusedAtOnce() throws Exception {
        // as `generate` starts it: only the generate route, so no instance holds the collector lease
        try (TestPipeline p = fresh(Map.of("camel.main.route-filter-include-pattern", "generate"))) {
            GeneratorService g = p.bean("shopGenerator", GeneratorService.class);
            assertThatThrownBy(() -> g.run(g.with(Map.of("days", "3", "export-history", "true")), true))
                    .isInstanceOf(ShopGenerator.Refused.class)
                    .hasMessageContaining("no instance collects incoming/ (none holds the collector lease")
                    .hasMessageContaining("3 exports from");
            assertThat(count("SELECT count(*) FROM shop.generated_days")).as("nothing generated").isZero();
            assertThat(p.objects().keySet()).noneMatch(k -> k.startsWith("incoming/"));

            // one export waits for nothing: generated and exported
            ShopGenerator.RunResult one = generate(p, Map.of("days", "1", "export-history", "true"));
            assertThat(one.records().get("export_files")).isPositive();
        }
    }

    @Test
    void aGeneratorKilledMidRunResumesWithoutDuplicatesOrGaps() throws Exception {
        Map<String, String> run = Map.of("days", "100", "days-per-commit", "1");
        Map<String, String> whole;
        Map<String, byte[]> wholeParquet;
        try (TestPipeline p = fresh()) {
            generate(p, run);
            whole = checksums(p);
            wholeParquet = parquet(p);
        }
        fresh().close(); // empty servers; the child JVM generates on them, this JVM only watches
        {
            Map<String, String> settings = new TreeMap<>();
            settings.put("pipeline.generator.schedule-enabled", "false");
            settings.put("pipeline.generator.days-per-commit", "1");
            try (ChildPipeline child = ChildPipeline.start(TestPipeline.services(), settings,
                    work.resolve("child.log"), "generate", "--mode", "initial", "--days", "100", "--scale", "0.05",
                    "--seed", "7", "--through", THROUGH.toString())) {
                TestPipeline.await("the child to commit 30 days", Duration.ofMinutes(2),
                        () -> tableExists() && count("SELECT count(*) FROM shop.generated_days") >= 30);
                child.kill();
            }
            long done = count("SELECT count(*) FROM shop.generated_days");
            assertThat(done).as("killed mid-run").isBetween(30L, 99L);
            assertThat(count("SELECT count(*) FROM shop.orders o WHERE order_date > (SELECT max(day) FROM "
                    + "shop.generated_days)")).as("no half day").isZero();
        }
        try (TestPipeline p = TestPipeline.restart(Map.of("pipeline.generator.schedule-enabled", "false"))) {
            // the same command again resumes the history (no exports: it is still the initial history)
            ShopGenerator.RunResult r = generate(p, Map.of("mode", "initial", "days", "100"));
            assertThat(r.lastDay()).isEqualTo(THROUGH);
            assertThat(r.records().get("export_files")).isZero();
            assertThat(count("SELECT count(*) FROM shop.generated_days")).isEqualTo(100);
            assertThat(count("SELECT max(day) - min(day) + 1 FROM shop.generated_days")).isEqualTo(100);
            assertThat(checksums(p)).isEqualTo(whole);
            Map<String, byte[]> resumed = parquet(p);
            assertThat(resumed.keySet()).isEqualTo(wholeParquet.keySet());
            // rows, not bytes: parquet-java writes a column's encoding list from a hash set, whose order may differ
            // between JVMs
            for (String k : resumed.keySet()) {
                assertThat(rows(k, resumed.get(k))).as(k).isEqualTo(rows(k, wholeParquet.get(k)));
            }
        }
    }

    List<?> rows(String key, byte[] parquet) throws Exception {
        Path f = Files.write(work.resolve("rows.parquet"), parquet);
        Class<?> type = key.startsWith("source/payments/") ? PaymentRecord.class : ShipmentRecord.class;
        return new com.jerolba.carpet.CarpetReader<>(f.toFile(), type).toList();
    }

    /** Column name to DuckDB type of a Parquet file (or glob). */
    static Map<String, String> types(Statement duck, String parquet) throws Exception {
        Map<String, String> types = new LinkedHashMap<>();
        try (ResultSet rs = duck.executeQuery("DESCRIBE SELECT * FROM read_parquet('" + parquet + "')")) {
            while (rs.next()) {
                types.put(rs.getString("column_name"), rs.getString("column_type"));
            }
        }
        return types;
    }

    static boolean tableExists() throws Exception {
        return count("SELECT count(*) FROM pg_tables WHERE schemaname = 'shop' AND tablename = 'generated_days'") == 1;
    }

    static long count(String sql) throws Exception {
        LocalServices s = TestPipeline.services();
        try (Connection c = DriverManager.getConnection(s.jdbcUrl(), s.jdbcUser(), s.jdbcPassword());
                Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void foreignKeysHoldParquetMatchesTablesAndReloadRestoresTables() throws Exception {
        try (TestPipeline p = fresh()) {
            generate(p, Map.of("days", "15"));
            Map<String, String> before = checksums(p);
            LocalServices s = TestPipeline.services();
            Map<String, BigDecimal> sql = new LinkedHashMap<>();
            try (Connection c = DriverManager.getConnection(s.jdbcUrl(), s.jdbcUser(), s.jdbcPassword());
                    Statement st = c.createStatement()) {
                try (ResultSet rs = st.executeQuery("SELECT conname FROM pg_constraint WHERE contype = 'f' AND "
                        + "connamespace = 'shop'::regnamespace")) {
                    int fks = 0;
                    while (rs.next()) {
                        fks++;
                    }
                    assertThat(fks).isEqualTo(3);
                }
                for (String q : new String[] {
                    "SELECT count(*) FROM shop.order_items i LEFT JOIN shop.orders o USING (order_id) WHERE o IS NULL",
                    "SELECT count(*) FROM shop.order_items i LEFT JOIN shop.products p USING (product_id) WHERE p IS NULL",
                    "SELECT count(*) FROM shop.orders o LEFT JOIN shop.customers c USING (customer_id) WHERE c IS NULL",
                    "SELECT count(*) FROM shop.orders o WHERE total_amount <> subtotal - discount + tax + shipping",
                    "SELECT count(*) FROM shop.orders o WHERE subtotal <> (SELECT sum(subtotal) FROM shop.order_items i "
                            + "WHERE i.order_id = o.order_id)",
                    // segments as of the last day: Regular needs 60 days and 2 orders, New is young or has < 2
                    "SELECT count(*) FROM shop.customers c WHERE segment = 'Regular' AND (registration_date > date '"
                            + THROUGH + "' - 60 OR " + NON_CANCELLED + " < 2)",
                    "SELECT count(*) FROM shop.customers c WHERE segment = 'New' AND registration_date <= date '"
                            + THROUGH + "' - 60 AND " + NON_CANCELLED + " >= 2",
                    "SELECT count(*) FROM shop.customers c WHERE segment NOT IN ('New', 'Regular', 'VIP')",
                    "SELECT count(*) FROM shop.customers c WHERE lifetime_value <> (SELECT coalesce(sum(total_amount), 0) "
                            + "FROM shop.orders o WHERE o.customer_id = c.customer_id AND status <> 'cancelled')"}) {
                    try (ResultSet rs = st.executeQuery(q)) {
                        rs.next();
                        assertThat(rs.getLong(1)).as(q).isZero();
                    }
                }
                try (ResultSet rs = st.executeQuery("SELECT count(*), sum(total_amount), "
                        + "count(*) FILTER (WHERE status <> 'cancelled') FROM shop.orders")) {
                    rs.next();
                    sql.put("orders", rs.getBigDecimal(1));
                    sql.put("total", rs.getBigDecimal(2));
                    sql.put("shipped", rs.getBigDecimal(3));
                }
            }
            Path dir = Files.createDirectories(work.resolve("source"));
            p.objects().forEach((k, v) -> {
                if (k.startsWith("source/")) {
                    try {
                        Path f = dir.resolve(k.substring("source/".length()));
                        Files.createDirectories(f.getParent());
                        Files.write(f, v);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            });
            try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                    Statement st = duck.createStatement()) {
                try (ResultSet rs = st.executeQuery("SELECT count(*), sum(amount::decimal(18,2)), "
                        + "count(DISTINCT date) FROM read_parquet('" + dir + "/payments/*/*.parquet', "
                        + "hive_partitioning = true)")) {
                    rs.next();
                    assertThat(rs.getLong(1)).isEqualTo(sql.get("orders").longValue());
                    assertThat(rs.getBigDecimal(2).setScale(2, RoundingMode.UNNECESSARY))
                            .isEqualByComparingTo(sql.get("total"));
                    assertThat(rs.getLong(3)).isEqualTo(15);
                }
                try (ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT order_id) FROM read_parquet('"
                        + dir + "/shipments/*/*.parquet')")) {
                    rs.next();
                    assertThat(rs.getLong(1)).isEqualTo(sql.get("shipped").longValue());
                    assertThat(rs.getLong(2)).isEqualTo(sql.get("shipped").longValue());
                }
                // logical types, so that Athena, Spark or DuckDB need no cast
                assertThat(types(st, dir + "/payments/*/*.parquet")).containsAllEntriesOf(Map.of(
                        "payment_id", "BIGINT", "order_id", "BIGINT", "customer_id", "BIGINT",
                        "payment_date", "DATE", "amount", "DECIMAL(14,2)", "method", "VARCHAR"));
                assertThat(types(st, dir + "/shipments/*/*.parquet")).containsAllEntriesOf(Map.of(
                        "shipment_id", "BIGINT", "ship_date", "DATE", "expected_delivery", "DATE"));
                Path snapshots = Files.createDirectories(work.resolve("snapshots"));
                for (String table : List.of("customers", "products", "orders", "order_items", "generated_days",
                        "generator_settings")) {
                    Files.write(snapshots.resolve(table + ".parquet"),
                            p.objects().get("snapshots/shop/" + table + ".parquet"));
                }
                assertThat(types(st, snapshots + "/orders.parquet")).containsAllEntriesOf(Map.of(
                        "order_id", "BIGINT", "customer_id", "BIGINT", "order_date", "DATE",
                        "order_time", "TIMESTAMP", "total_amount", "DECIMAL(14,2)", "tax", "DECIMAL(14,2)",
                        "updated_at", "TIMESTAMP"));
                assertThat(types(st, snapshots + "/customers.parquet")).containsAllEntriesOf(Map.of(
                        "registration_date", "DATE", "lifetime_value", "DECIMAL(14,2)", "created_at", "TIMESTAMP"));
                assertThat(types(st, snapshots + "/products.parquet")).containsAllEntriesOf(Map.of(
                        "price", "DECIMAL(12,2)", "cost", "DECIMAL(12,2)"));
                assertThat(types(st, snapshots + "/order_items.parquet")).containsAllEntriesOf(Map.of(
                        "unit_price", "DECIMAL(12,2)", "subtotal", "DECIMAL(14,2)", "created_at", "TIMESTAMP"));
                assertThat(types(st, snapshots + "/generated_days.parquet")).containsAllEntriesOf(Map.of(
                        "day", "DATE", "generated_at", "TIMESTAMP"));
                try (ResultSet rs = st.executeQuery("SELECT sum(total_amount) FROM read_parquet('" + snapshots
                        + "/orders.parquet')")) {
                    rs.next();
                    assertThat(rs.getBigDecimal(1)).isEqualByComparingTo(sql.get("total"));
                }
            }
            // reload: the tables come back from the Parquet snapshots, identical
            try (Connection c = DriverManager.getConnection(s.jdbcUrl(), s.jdbcUser(), s.jdbcPassword());
                    Statement st = c.createStatement()) {
                st.execute("DELETE FROM shop.order_items WHERE order_id > 100");
                st.execute("UPDATE shop.customers SET segment = 'x'");
            }
            assertThat(checksums(p)).isNotEqualTo(before);
            ShopGenerator.RunResult r = generate(p, Map.of("mode", "reload"));
            assertThat(r.mode()).isEqualTo("reload");
            assertThat(r.describe()).isEqualTo("shop reloaded from the snapshots, through " + THROUGH);
            assertThat(checksums(p)).isEqualTo(before);
            assertThat(count("SELECT count(*) FROM shop.generator_settings WHERE seed = 7")).isEqualTo(1);
        }
    }

    @Test
    void exportedFileSetsIngestWithNoRejectedRowAndKpisAgreeWithSql() throws Exception {
        // the day's file sets go to exports/ here, and are ingested day by day as waves (one batch per day, as the
        // daily schedule produces)
        try (TestPipeline p = fresh(Map.of("pipeline.generator.export-prefix", "exports/"))) {
            ShopGenerator.RunResult r = generate(p, Map.of("days", "12", "export", "true"));
            long files = r.records().get("export_files");
            assertThat(files).isEqualTo(12 * 11);
            Path in = work.resolve("in");
            for (Map.Entry<String, byte[]> e : p.objects().entrySet()) {
                if (e.getKey().startsWith("exports/")) {
                    String name = e.getKey().substring("exports/".length());
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\d{4}-\\d{2}-\\d{2}").matcher(name);
                    assertThat(m.find()).isTrue();
                    Path f = in.resolve(m.group()).resolve(name);
                    Files.createDirectories(f.getParent());
                    Files.write(f, e.getValue());
                }
            }
            assertThat(p.ingest(in, work.resolve("out"))).isZero();
            assertThat(p.objects().keySet().stream().filter(k -> k.startsWith("archive/")).count()).isEqualTo(files);
            assertThat(p.objects().keySet()).noneMatch(k -> k.startsWith("rejected/") || k.startsWith("quarantine/")
                    || k.startsWith("incoming/") || k.startsWith("collected/"));
            assertKpisEqualSqlOverShop(p, 12);
        }
    }

    @Test
    void aRunExportingSeveralDaysFeedsTheRunningPipelineOneDayPerBatch() throws Exception {
        // the default export prefix is incoming/: the running pipeline collects each day's set before the next is
        // written, so an order placed on one day and refunded on a later one never lands twice in a batch
        try (TestPipeline p = fresh()) {
            ShopGenerator.RunResult r = generate(p, Map.of("days", "14", "export-history", "true"));
            assertThat(r.records().get("export_files")).isEqualTo(14 * 11);
            assertThat(r.records().get("status_updates")).isPositive();
            TestPipeline.await("14 finished batches", Duration.ofMinutes(3),
                    () -> count("SELECT count(*) FROM pipeline.batches WHERE status = 'finished'") == 14);
            assertThat(count("SELECT count(*) FROM pipeline.batches")).isEqualTo(14);
            assertThat(count("SELECT count(*) FROM shop.orders WHERE status = 'refunded'")).isPositive();
            assertThat(p.objects().keySet().stream().filter(k -> k.startsWith("archive/")).count()).isEqualTo(14 * 11);
            assertThat(p.objects().keySet()).noneMatch(k -> k.startsWith("rejected/") || k.startsWith("quarantine/")
                    || k.startsWith("incoming/") || k.startsWith("collected/"));
            assertKpisEqualSqlOverShop(p, 14);
        }
    }

    /** OrderKPIs in DynamoDB = the same KPIs by SQL over {@code shop} (docs/contract.md §5, refunded = returned). */
    static void assertKpisEqualSqlOverShop(TestPipeline p, int days) throws Exception {
        List<List<String>> kpis = new KpiExport(p.bean("dynamoDbClient", DynamoDbClient.class))
                .rows("OrderKPIs", List.of("order_date", "total_orders", "total_revenue", "total_items_sold",
                        "return_rate", "unique_customers"), 1);
        List<List<String>> expected = new java.util.ArrayList<>();
        LocalServices s = TestPipeline.services();
        try (Connection c = DriverManager.getConnection(s.jdbcUrl(), s.jdbcUser(), s.jdbcPassword());
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT o.order_date::text, count(*), "
                        + "sum(l.revenue), sum(l.items), "
                        + "round(count(*) FILTER (WHERE status IN ('returned', 'refunded'))::numeric / count(*), 4), "
                        + "count(DISTINCT customer_id) FROM shop.orders o JOIN (SELECT order_id, "
                        + "sum(quantity * unit_price) revenue, sum(quantity) items FROM shop.order_items "
                        + "GROUP BY order_id) l USING (order_id) GROUP BY o.order_date ORDER BY 1")) {
            while (rs.next()) {
                expected.add(List.of(rs.getString(1), rs.getString(2), rs.getBigDecimal(3).setScale(2).toPlainString(),
                        rs.getString(4), rs.getBigDecimal(5).stripTrailingZeros().toPlainString(), rs.getString(6)));
            }
        }
        assertThat(expected).hasSize(days);
        assertThat(normalize(kpis)).isEqualTo(normalize(expected));
    }

    private static List<List<String>> normalize(List<List<String>> rows) {
        return rows.stream().map(r -> r.stream().map(v -> {
            try {
                return new BigDecimal(v).stripTrailingZeros().toPlainString();
            } catch (NumberFormatException e) {
                return v;
            }
        }).toList()).toList();
    }
}
