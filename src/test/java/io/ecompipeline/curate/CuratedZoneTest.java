package io.ecompipeline.curate;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import javax.sql.DataSource;

import io.ecompipeline.common.SqlScripts;
import io.ecompipeline.support.LogCapture;
import io.ecompipeline.support.TestPipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The curated zone end to end, on the embedded services: batches through the app, then the Parquet files under
 * curated/ downloaded and read back with DuckDB (an independent reader): logical types, one partition per order
 * date holding exactly the state's rows, a partition replaced as a whole by a later batch (no duplicates, other
 * dates untouched), a repeat writing the same bytes, a date left without orders losing its partitions, and the
 * curated KPIs equal to the DynamoDB items.
 */
class CuratedZoneTest {

    static final Path LAB_SAMPLE = Path.of("src/test/resources/lab-sample");
    static final List<String> TABLES = List.of("orders", "order_lines", "order_kpis", "category_kpis");

    @TempDir
    Path work;

    @Test
    void labSampleThenAFixOfOneDate() throws Exception {
        Path fix = Files.createDirectories(work.resolve("fix"));
        // order 28 (2025-03-14) returned, and a new order on the same date: only that date is touched
        Files.writeString(fix.resolve("orders_fix.csv"), "order_id,user_id,order_date,total_amount,status\n"
                + "28,6714,2025-03-14T14:48:38,448.45,returned\n900001,77,2025-03-14,21.00,delivered\n");
        Files.writeString(fix.resolve("order_items_fix.csv"),
                "order_id,product_id,quantity,unit_price\n900001,5585,2,10.5\n");

        try (LogCapture log = LogCapture.attach(); TestPipeline pipeline = TestPipeline.fresh(Map.of())) {
            assertThat(pipeline.ingest(LAB_SAMPLE, work.resolve("out1"))).isZero();
            Map<String, byte[]> first = curated(pipeline);
            TreeSet<String> dates = new TreeSet<>();
            for (List<String> row : TestPipeline.readCsv(work.resolve("out1/order_kpis.csv"))) {
                dates.add(row.get(0));
            }
            assertThat(dates).hasSize(31);
            // exactly one file per touched date (orders, lines) or month (KPIs), at the partition's one key
            List<String> expectedKeys = new ArrayList<>();
            for (String table : TABLES) {
                new TreeSet<>(dates.stream().map(d -> partition(table, d)).toList())
                        .forEach(p -> expectedKeys.add("curated/" + table + "/" + p + "/data.parquet"));
            }
            assertThat(first.keySet()).containsExactlyInAnyOrderElementsOf(expectedKeys);

            try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement st = duck.createStatement()) {
                Path dir = download(first, work.resolve("first"));
                assertThat(types(st, dir, "orders")).containsExactlyEntriesOf(ordered(
                        "order_id", "BIGINT", "user_id", "BIGINT", "total_amount", "DECIMAL(38,6)",
                        "status", "VARCHAR", "returned", "BOOLEAN", "batch_id", "VARCHAR",
                        "batch_arrived_at", "TIMESTAMP", "order_date", "DATE"));
                assertThat(types(st, dir, "order_lines")).containsExactlyEntriesOf(ordered(
                        "order_id", "BIGINT", "product_id", "BIGINT", "category", "VARCHAR", "quantity", "BIGINT",
                        "unit_price", "DECIMAL(38,6)", "line_revenue", "DECIMAL(38,6)", "batch_id", "VARCHAR",
                        "batch_arrived_at", "TIMESTAMP", "order_date", "DATE"));
                assertThat(types(st, dir, "order_kpis")).containsExactlyEntriesOf(ordered(
                        "order_date", "DATE", "total_orders", "BIGINT", "total_revenue", "DECIMAL(38,2)",
                        "total_items_sold", "BIGINT", "return_rate", "DECIMAL(5,4)", "unique_customers", "BIGINT",
                        "returned_orders", "BIGINT", "order_month", "VARCHAR"));
                assertThat(types(st, dir, "category_kpis")).containsExactlyEntriesOf(ordered(
                        "order_date", "DATE", "category", "VARCHAR", "daily_revenue", "DECIMAL(38,2)",
                        "avg_order_value", "DECIMAL(38,2)", "avg_return_rate", "DECIMAL(5,4)", "orders", "BIGINT",
                        "returned_orders", "BIGINT", "order_month", "VARCHAR"));
                assertThat(single(st, "SELECT count(*) FROM " + scan(dir, "order_kpis")
                        + " WHERE strftime(order_date, '%Y-%m') <> order_month")).as("rows in their month").isEqualTo("0");

                // the state's rows, each once, in its date's partition
                assertThat(query(st, "SELECT count(*), count(DISTINCT order_id), min(order_date)::varchar, "
                        + "max(order_date)::varchar FROM " + scan(dir, "orders")))
                        .containsExactly(List.of("9000", "9000", dates.first(), dates.last()));
                assertThat(single(st, "SELECT count(*) FROM " + scan(dir, "order_lines"))).isEqualTo("27007");
                assertThat(pg(pipeline, "SELECT count(*) FROM pipeline.order_lines")).isEqualTo(27007);
                assertThat(single(st, "SELECT count(*) FROM " + scan(dir, "orders") + " o JOIN "
                        + "(SELECT DISTINCT order_id, order_date AS line_date FROM " + scan(dir, "order_lines")
                        + ") l USING (order_id) WHERE l.line_date <> o.order_date")).isEqualTo("0");
                assertThat(single(st, "SELECT sum(line_revenue)::varchar FROM " + scan(dir, "order_lines")
                        + " WHERE order_date = DATE '2025-03-14'")).isEqualTo("68190.830000");
                assertThat(single(st, "SELECT count(*) FROM " + scan(dir, "orders")
                        + " WHERE batch_arrived_at IS NULL OR batch_id IS NULL")).isEqualTo("0");
                assertKpisEqualDynamoDb(pipeline, st, dir);

                // a second batch touching one date: that date's (and month's) partitions replaced, the others not
                assertThat(pipeline.ingest(fix, work.resolve("out2"))).isZero();
                Map<String, byte[]> second = curated(pipeline);
                assertThat(second.keySet()).isEqualTo(first.keySet());
                for (String key : first.keySet()) {
                    boolean touched = key.contains("order_date=2025-03-14/") || key.contains("order_month=2025-03/");
                    if (touched && !key.startsWith("curated/order_lines/")) {
                        assertThat(second.get(key)).as(key).isNotEqualTo(first.get(key));
                    } else if (!touched) {
                        assertThat(second.get(key)).as(key).isEqualTo(first.get(key));
                    }
                }
                Path dir2 = download(second, work.resolve("second"));
                assertThat(query(st, "SELECT count(*), count(DISTINCT order_id), count(*) FILTER (WHERE returned) "
                        + "FROM " + scan(dir2, "orders") + " WHERE order_date = DATE '2025-03-14'"))
                        .containsExactly(List.of("293", "293", "58"));
                assertThat(query(st, "SELECT status, returned::varchar FROM " + scan(dir2, "orders")
                        + " WHERE order_id = 28")).containsExactly(List.of("returned", "true"));
                assertThat(query(st, "SELECT category IS NOT NULL, quantity::varchar, unit_price::varchar, "
                        + "line_revenue::varchar FROM " + scan(dir2, "order_lines") + " WHERE order_id = 900001"))
                        .containsExactly(List.of("true", "2", "10.500000", "21.000000"));
                assertThat(single(st, "SELECT count(*) FROM " + scan(dir2, "orders"))).isEqualTo("9001");
                assertThat(single(st, "SELECT total_orders::varchar FROM " + scan(dir2, "order_kpis")
                        + " WHERE order_date = DATE '2025-03-14'")).isEqualTo("293");
                assertKpisEqualDynamoDb(pipeline, st, dir2);
            }

            // a database from before the KPI step kept its results: schema.sql computes them for the whole
            // history (4242001: the schema's lock, config/DatabaseConfiguration), so the repeat below still gives the
            // same bytes
            pipeline.sql("TRUNCATE pipeline.order_kpis, pipeline.category_kpis");
            SqlScripts.apply(pipeline.app().context().getRegistry().lookupByNameAndType("dataSource",
                    DataSource.class), "/sql/schema.sql", 4242001);
            assertThat(pg(pipeline, "SELECT count(*) FROM pipeline.order_kpis")).isEqualTo(dates.size());

            // a repeat of every date (the recompute route, dates as text) writes the same bytes
            Map<String, byte[]> before = curated(pipeline);
            long t0 = System.nanoTime();
            pipeline.app().context().createProducerTemplate().sendBodyAndHeader("direct:write-curated", null,
                    "touchedDates", new ArrayList<>(dates));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            Map<String, byte[]> again = curated(pipeline);
            assertThat(again.keySet()).isEqualTo(before.keySet());
            before.forEach((k, v) -> assertThat(again.get(k)).as(k).isEqualTo(v));
            System.out.printf("write-curated of %d dates (9,001 orders, 27,008 lines) took %d ms%n", dates.size(), ms);
            assertThat(log.lines()).noneMatch(l -> l.level().equals("ERROR"));
            assertThat(log.lines()).noneMatch(l -> l.level().equals("WARN") && l.logger().contains("curate"));
        }
    }

    @Test
    void repeatChangesNothingAndADateLeftWithoutOrdersLosesItsPartitions() throws Exception {
        Path one = Files.createDirectories(work.resolve("in/1"));
        Files.writeString(one.resolve("products.csv"), "product_id,category,name,price\n1,Books,Dune,10.00\n");
        Files.writeString(one.resolve("orders_1.csv"), "order_id,user_id,order_date,total_amount,status\n"
                + "1,100,2024-03-01,10.00,delivered\n2,101,2024-03-02,10.00,delivered\n");
        Files.writeString(one.resolve("order_items_1.csv"),
                "order_id,product_id,quantity,unit_price\n1,1,1,10.00\n2,1,3,0.1234567\n");
        Path two = Files.createDirectories(work.resolve("in/2"));
        // order 1 moves to the 5th: the 1st has no order left
        Files.writeString(two.resolve("orders_2.csv"), "order_id,user_id,order_date,total_amount,status\n"
                + "1,100,2024-03-05,10.00,refunded\n");

        try (LogCapture log = LogCapture.attach(); TestPipeline pipeline = TestPipeline.fresh(Map.of())) {
            assertThat(pipeline.ingest(one, work.resolve("out1"))).isZero();
            Map<String, byte[]> first = curated(pipeline);
            // two dates of orders and lines, one month of each KPI table
            assertThat(first).hasSize(6);
            pipeline.app().context().createProducerTemplate().sendBodyAndHeader("direct:write-curated", null,
                    "touchedDates", List.of("2024-03-01", "2024-03-02"));
            Map<String, byte[]> repeated = curated(pipeline);
            assertThat(repeated.keySet()).isEqualTo(first.keySet());
            first.forEach((k, v) -> assertThat(repeated.get(k)).as(k).isEqualTo(v));

            assertThat(pipeline.ingest(two, work.resolve("out2"))).isZero();
            Map<String, byte[]> after = curated(pipeline);
            assertThat(after.keySet().stream().filter(k -> k.contains("order_date=2024-03-01/"))).isEmpty();
            assertThat(after.keySet().stream().filter(k -> k.contains("order_date=2024-03-05/"))).hasSize(2);
            assertThat(after.keySet().stream().filter(k -> k.contains("order_month=2024-03/"))).hasSize(2);
            try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement st = duck.createStatement()) {
                Path dir = download(after, work.resolve("after"));
                // an input price with more decimals than the column's 6 is rounded half-up
                assertThat(single(st, "SELECT unit_price::varchar FROM " + scan(dir, "order_lines")
                        + " WHERE order_id = 2")).isEqualTo("0.123457");
                assertThat(single(st, "SELECT return_rate::varchar FROM " + scan(dir, "order_kpis")
                        + " WHERE order_date = DATE '2024-03-05'")).isEqualTo("1.0000");
                assertKpisEqualDynamoDb(pipeline, st, dir);
            }
            // the second wave's one file closed its batch on arrival: nothing to confirm, no collector ERROR
            assertThat(log.lines()).noneMatch(l -> l.level().equals("ERROR"));
            assertThat(pg(pipeline, "SELECT count(*) FROM pipeline.batch_collector_completed")).isZero();
        }
    }

    static Map<String, byte[]> curated(TestPipeline pipeline) {
        Map<String, byte[]> files = new TreeMap<>();
        pipeline.objects().forEach((k, v) -> {
            if (k.startsWith("curated/")) {
                files.put(k, v);
            }
        });
        return files;
    }

    static Path download(Map<String, byte[]> files, Path dir) throws Exception {
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Path file = dir.resolve(f.getKey());
            Files.createDirectories(file.getParent());
            Files.write(file, f.getValue());
        }
        return dir.resolve("curated");
    }

    /**
     * A curated table read as Athena would: every partition, the partition column from the key (order_date typed as a
     * date; the KPI tables' order_month as text).
     */
    static String scan(Path dir, String table) {
        return "read_parquet('" + dir.resolve(table) + "/*/*.parquet', hive_partitioning = true, hive_types = {"
                + (table.endsWith("_kpis") ? "'order_month': VARCHAR" : "'order_date': DATE") + "})";
    }

    /** The partition of a date in a curated table: its date, or its month for the KPI tables. */
    static String partition(String table, String date) {
        return table.endsWith("_kpis") ? "order_month=" + date.substring(0, 7) : "order_date=" + date;
    }

    static Map<String, String> types(Statement duck, Path dir, String table) throws Exception {
        Map<String, String> types = new LinkedHashMap<>();
        try (ResultSet rs = duck.executeQuery("DESCRIBE SELECT * FROM " + scan(dir, table))) {
            while (rs.next()) {
                types.put(rs.getString("column_name"), rs.getString("column_type"));
            }
        }
        return types;
    }

    static Map<String, String> ordered(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }

    static List<List<String>> query(Statement duck, String sql) throws Exception {
        List<List<String>> rows = new ArrayList<>();
        try (ResultSet rs = duck.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    static String single(Statement duck, String sql) throws Exception {
        return query(duck, sql).get(0).get(0);
    }

    static long pg(TestPipeline pipeline, String sql) throws Exception {
        var s = TestPipeline.services();
        try (Connection c = DriverManager.getConnection(s.jdbcUrl(), s.jdbcUser(), s.jdbcPassword());
                Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Every OrderKPIs and CategoryKPIs item equals its curated row, and the other way round. */
    static void assertKpisEqualDynamoDb(TestPipeline pipeline, Statement duck, Path dir) throws Exception {
        DynamoDbClient ddb = pipeline.bean("dynamoDbClient", DynamoDbClient.class);
        List<String> orderColumns = List.of("total_orders", "total_revenue", "total_items_sold", "return_rate",
                "unique_customers", "returned_orders");
        assertThat(curatedRows(duck, "SELECT order_date::varchar, " + String.join(", ", orderColumns) + " FROM "
                + scan(dir, "order_kpis"), 1)).isEqualTo(items(ddb, "OrderKPIs", List.of("order_date"), orderColumns));
        List<String> categoryColumns = List.of("daily_revenue", "avg_order_value", "avg_return_rate", "orders",
                "returned_orders");
        assertThat(curatedRows(duck, "SELECT category, order_date::varchar, " + String.join(", ", categoryColumns)
                + " FROM " + scan(dir, "category_kpis"), 2))
                .isEqualTo(items(ddb, "CategoryKPIs", List.of("category", "order_date"), categoryColumns));
    }

    private static Map<String, List<BigDecimal>> curatedRows(Statement duck, String sql, int keys) throws Exception {
        Map<String, List<BigDecimal>> rows = new TreeMap<>();
        for (List<String> row : query(duck, sql)) {
            List<BigDecimal> values = new ArrayList<>();
            row.subList(keys, row.size()).forEach(v -> values.add(new BigDecimal(v).stripTrailingZeros()));
            rows.put(String.join("|", row.subList(0, keys)), values);
        }
        assertThat(rows).isNotEmpty();
        return rows;
    }

    private static Map<String, List<BigDecimal>> items(DynamoDbClient ddb, String table, List<String> keys,
            List<String> columns) {
        Map<String, List<BigDecimal>> rows = new TreeMap<>();
        for (Map<String, AttributeValue> item : ddb.scanPaginator(b -> b.tableName(table)).items()) {
            List<BigDecimal> values = new ArrayList<>();
            columns.forEach(c -> values.add(new BigDecimal(item.get(c).n()).stripTrailingZeros()));
            rows.put(String.join("|", keys.stream().map(k -> item.get(k).s()).toList()), values);
        }
        return rows;
    }
}
