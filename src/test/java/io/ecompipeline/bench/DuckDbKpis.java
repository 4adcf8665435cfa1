package io.ecompipeline.bench;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.ecompipeline.support.ReferenceKpis;

/**
 * The KPIs of docs/contract.md §5 by DuckDB (in-process, JDBC) straight from the CSV files, without validation: the
 * single-machine limit the benchmark compares the pipeline with, and an independent check of the pipeline's numbers.
 * Only right for sets whose rows are all valid, whose order ids are unique and whose lines of an order have distinct
 * products (what {@link BenchData} writes); prices must have at most 6 decimals.
 * <p>
 * Exact and rounded as the contract says: prices are read as DECIMAL(18,6) and carried as integers of millionths, so
 * every sum is an exact integer; money is rounded half-up to cents and rates half-up to 4 decimals by integer
 * arithmetic ({@code floor((2a + b) / 2b)} is {@code a / b} rounded half-up, for a, b ≥ 0).
 */
public final class DuckDbKpis {

    /** Rows as in the {@code ingest} output: keyed by the key columns joined with a NUL. */
    public record Result(Map<String, List<String>> orderKpis, Map<String, List<String>> categoryKpis, double seconds) {
    }

    private DuckDbKpis() {
    }

    /**
     * Loads the driver and its native library (unpacked on first use), so that it is not in the timed run; returns
     * DuckDB's version.
     */
    public static String warmUp() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT version()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /**
     * The KPIs of the given files (orders, items, products), timed from opening the database to the last row.
     * {@code lenient}: rows DuckDB cannot read with the columns' types are skipped (a set with invalid rows, such as
     * the lab sample; only the time is of use then).
     */
    public static Result compute(List<Path> orders, List<Path> items, List<Path> products, boolean lenient)
            throws SQLException {
        long t0 = System.nanoTime();
        Map<String, List<String>> orderKpis = new TreeMap<>();
        Map<String, List<String>> categoryKpis = new TreeMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute("CREATE TEMP TABLE o AS SELECT order_id, user_id, " + (lenient ? "TRY_CAST" : "CAST")
                    + "(substr(trim(order_date), 1, 10) AS DATE) AS d, lower(trim(status)) IN ('returned', 'refunded') "
                    + "AS ret FROM " + csv(orders, "'order_id': 'BIGINT', 'user_id': 'BIGINT', "
                    + "'order_date': 'VARCHAR', 'total_amount': 'VARCHAR', 'status': 'VARCHAR'", lenient)
                    + (lenient ? " WHERE d IS NOT NULL" : ""));
            st.execute("CREATE TEMP TABLE i AS SELECT order_id, product_id, quantity, "
                    + "CAST(unit_price * 1000000 AS BIGINT) AS micros FROM " + csv(items, "'order_id': 'BIGINT', "
                    + "'product_id': 'BIGINT', 'quantity': 'BIGINT', 'unit_price': 'DECIMAL(18,6)'", lenient));
            st.execute("CREATE TEMP TABLE p AS SELECT product_id, any_value(trim(category)) AS category FROM " + csv(
                    products, "'product_id': 'BIGINT', 'category': 'VARCHAR', 'name': 'VARCHAR', 'price': 'VARCHAR'",
                    lenient)
                    + " GROUP BY product_id");
            try (ResultSet rs = st.executeQuery("""
                    WITH l AS (SELECT order_id, sum(quantity * micros) AS rev, sum(quantity) AS qty
                               FROM i GROUP BY ALL),
                    d AS (SELECT o.d, count(*) AS n, coalesce(sum(l.rev), 0) AS rev, coalesce(sum(l.qty), 0) AS qty,
                                 count(*) FILTER (WHERE o.ret) AS r, count(DISTINCT o.user_id) AS users
                          FROM o LEFT JOIN l USING (order_id) GROUP BY o.d)
                    SELECT strftime(d, '%Y-%m-%d'), n, CAST((2 * rev + 10000) // 20000 AS BIGINT), CAST(qty AS BIGINT),
                           CAST((20000 * r + n) // (2 * n) AS BIGINT), users
                    FROM d""")) {
                while (rs.next()) {
                    orderKpis.put(rs.getString(1), List.of(rs.getString(1), Long.toString(rs.getLong(2)),
                            BigDecimal.valueOf(rs.getLong(3), 2).toPlainString(), Long.toString(rs.getLong(4)),
                            BigDecimal.valueOf(rs.getLong(5), 4).toPlainString(), Long.toString(rs.getLong(6))));
                }
            }
            try (ResultSet rs = st.executeQuery("""
                    WITH oc AS (SELECT i.order_id, p.category, sum(i.quantity * i.micros) AS rev
                                FROM i JOIN p USING (product_id) GROUP BY ALL),
                    c AS (SELECT oc.category, o.d, sum(oc.rev) AS rev, count(*) AS n, count(*) FILTER (WHERE o.ret) AS r
                          FROM oc JOIN o USING (order_id) GROUP BY ALL)
                    SELECT category, strftime(d, '%Y-%m-%d'), CAST((2 * rev + 10000) // 20000 AS BIGINT),
                           CAST((2 * rev + n * 10000) // (2 * n * 10000) AS BIGINT),
                           CAST((20000 * r + n) // (2 * n) AS BIGINT)
                    FROM c""")) {
                while (rs.next()) {
                    categoryKpis.put(rs.getString(1) + "\u0000" + rs.getString(2), List.of(rs.getString(1),
                            rs.getString(2), BigDecimal.valueOf(rs.getLong(3), 2).toPlainString(),
                            BigDecimal.valueOf(rs.getLong(4), 2).toPlainString(),
                            BigDecimal.valueOf(rs.getLong(5), 4).toPlainString()));
                }
            }
        }
        return new Result(orderKpis, categoryKpis, (System.nanoTime() - t0) / 1e9);
    }

    private static String csv(List<Path> files, String columns, boolean lenient) {
        String list = files.stream().map(f -> "'" + f.toAbsolutePath().toString().replace("'", "''") + "'")
                .collect(Collectors.joining(", ", "[", "]"));
        return "read_csv(" + list + ", header = true, auto_detect = false, delim = ',', quote = '\"', "
                + (lenient ? "ignore_errors = true, " : "") + "columns = {" + columns + "})";
    }

    /**
     * The rows of an {@code ingest} output file ({@code order_kpis.csv}, {@code category_kpis.csv}), keyed as
     * {@link Result}; only the contract's columns (extra trailing columns are allowed there).
     */
    public static Map<String, List<String>> readOutput(Path file, int keyColumns, int columns) throws IOException {
        Map<String, List<String>> rows = new TreeMap<>();
        List<List<String>> all = ReferenceKpis.parse(Files.readString(file, StandardCharsets.UTF_8));
        for (List<String> row : all.subList(1, all.size())) {
            List<String> kept = List.copyOf(row.subList(0, columns));
            rows.put(String.join("\u0000", kept.subList(0, keyColumns)), kept);
        }
        return rows;
    }

    /** The reference (plain Java, docs/contract.md §1-5) of an input folder, keyed as {@link Result}. */
    public static Result reference(Path input) throws IOException {
        long t0 = System.nanoTime();
        ReferenceKpis ref = ReferenceKpis.of(input);
        Map<String, List<String>> orderKpis = new TreeMap<>();
        ref.orderKpis.forEach((day, values) -> {
            List<String> row = new ArrayList<>(List.of(day));
            row.addAll(values);
            orderKpis.put(day, row);
        });
        Map<String, List<String>> categoryKpis = new TreeMap<>();
        ref.categoryKpis.forEach((key, values) -> {
            int bar = key.lastIndexOf('|');
            List<String> row = new ArrayList<>(List.of(key.substring(0, bar), key.substring(bar + 1)));
            row.addAll(values);
            categoryKpis.put(row.get(0) + "\u0000" + row.get(1), row);
        });
        return new Result(orderKpis, categoryKpis, (System.nanoTime() - t0) / 1e9);
    }

    /** Where two KPI tables differ, one line per row: empty when they are equal. */
    public static List<String> differences(String table, Map<String, List<String>> expected,
            Map<String, List<String>> actual) {
        List<String> out = new ArrayList<>();
        for (var e : expected.entrySet()) {
            List<String> got = actual.get(e.getKey());
            if (!e.getValue().equals(got)) {
                out.add(table + ": expected " + e.getValue() + ", pipeline " + (got == null ? "no row" : got));
            }
        }
        for (String key : actual.keySet()) {
            if (!expected.containsKey(key)) {
                out.add(table + ": pipeline has an extra row " + actual.get(key));
            }
        }
        return out;
    }
}
