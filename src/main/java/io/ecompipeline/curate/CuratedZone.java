package io.ecompipeline.curate;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import io.ecompipeline.common.S3Objects;
import io.ecompipeline.kpi.CategoryKpi;
import io.ecompipeline.kpi.KpiItems;
import io.ecompipeline.kpi.OrderKpi;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The curated zone (docs/data.md "The curated zone"): the current state of the given order dates as Parquet, one
 * partition per table and date (per month for the KPI tables), each replaced as a whole ({@link PartitionFiles}). Orders and lines are read with
 * one query per table for all the dates, sorted by date and streamed (a cursor, {@value #FETCH_ROWS} rows at a
 * time), so nothing here grows with the history. The KPI tables, one partition per month, take the KPI step's own
 * rows (kept in PostgreSQL by {@code kpi/KpiResults}), rounded by the same code ({@link KpiItems}), so the curated
 * KPIs equal the DynamoDB items.
 */
public class CuratedZone {

    private static final Logger LOG = LoggerFactory.getLogger(CuratedZone.class);
    private static final int FETCH_ROWS = 10_000;

    /** The partition column of the orders' and lines' tables: one partition per order date. */
    static final String BY_DATE = "order_date";
    /** The partition column of the KPI tables: one partition per month of order dates. */
    static final String BY_MONTH = "order_month";

    private static final String ORDERS = """
            SELECT o.order_date, o.order_id, o.user_id, o.total_amount, o.status, o.returned, o.batch_id,
                   b.first_arrival
              FROM pipeline.orders o
              LEFT JOIN pipeline.batches b ON b.batch_id = o.batch_id
             WHERE o.order_date = ANY (?)
             ORDER BY o.order_date, o.order_id""";
    private static final String LINES = """
            SELECT o.order_date, l.order_id, l.product_id, l.category, l.quantity, l.unit_price,
                   l.quantity * l.unit_price AS line_revenue, l.batch_id, b.first_arrival
              FROM pipeline.orders o
              JOIN pipeline.order_lines l ON l.order_id = o.order_id
              LEFT JOIN pipeline.batches b ON b.batch_id = l.batch_id
             WHERE o.order_date = ANY (?)
             ORDER BY o.order_date, l.order_id, l.product_id, l.batch_id, l.quantity, l.unit_price""";

    private final DataSource dataSource;
    private final S3Objects s3;
    private final String prefix;
    private final Executor uploads;
    private final int uploadsInFlight;

    /**
     * {@code prefix} is the zone's, ending with {@code /} ({@code pipeline.prefix.curated}, default curated/); each
     * table puts up to {@code uploadsInFlight} partitions at once on {@code uploads} ({@code pipeline.curated.uploads}).
     */
    public CuratedZone(DataSource dataSource, S3Objects s3, String prefix, Executor uploads, int uploadsInFlight) {
        this.dataSource = dataSource;
        this.s3 = s3;
        this.prefix = prefix;
        this.uploads = uploads;
        this.uploadsInFlight = uploadsInFlight;
    }

    private <T> PartitionFiles<T> files(String table, String column, Class<T> type) {
        return new PartitionFiles<>(s3, tablePrefix(table), column, type, uploads, uploadsInFlight);
    }

    /** The key prefix of a table ({@code orders}, {@code order_lines}, {@code order_kpis}, {@code category_kpis}). */
    public String tablePrefix(String table) {
        return prefix + table + "/";
    }

    /**
     * The dates to write, as the KPI queries take them: the {@code touchedDates} header's values (SQL dates,
     * {@link LocalDate}s or {@code YYYY-MM-DD} strings), distinct and ascending.
     */
    public List<Date> dates(@Header("touchedDates") Collection<?> touched) {
        TreeSet<LocalDate> dates = new TreeSet<>();
        for (Object d : touched == null ? List.of() : touched) {
            if (d instanceof Date sql) {
                dates.add(sql.toLocalDate());
            } else if (d instanceof LocalDate local) {
                dates.add(local);
            } else if (d != null) {
                dates.add(LocalDate.parse(d.toString().trim()));
            }
        }
        return dates.stream().map(Date::valueOf).toList();
    }

    public void writeOrders(@Header("touchedDates") List<Date> touched) throws SQLException, IOException {
        long t0 = System.nanoTime();
        Fit fit = new Fit();
        try (PartitionFiles<CuratedRows.Order> files = files("orders", BY_DATE, CuratedRows.Order.class)) {
            stream(ORDERS, touched, r -> files.add(r.getDate(1).toLocalDate(), new CuratedRows.Order(r.getLong(2),
                    r.getLong(3), fit.input(r.getBigDecimal(4)), r.getString(5), r.getBoolean(6), r.getString(7),
                    utc(r.getTimestamp(8)))));
            done("orders", files.finish(local(touched)), files.rows(), fit, t0);
        }
    }

    public void writeOrderLines(@Header("touchedDates") List<Date> touched) throws SQLException, IOException {
        long t0 = System.nanoTime();
        Fit fit = new Fit();
        try (PartitionFiles<CuratedRows.OrderLine> files = files("order_lines", BY_DATE, CuratedRows.OrderLine.class)) {
            stream(LINES, touched, r -> files.add(r.getDate(1).toLocalDate(), new CuratedRows.OrderLine(
                    r.getLong(2), r.getLong(3), r.getString(4), r.getLong(5), fit.input(r.getBigDecimal(6)),
                    fit.input(r.getBigDecimal(7)), r.getString(8), utc(r.getTimestamp(9)))));
            done("order_lines", files.finish(local(touched)), files.rows(), fit, t0);
        }
    }

    /**
     * The KPI step's OrderKPIs rows of every date in the touched dates' months ({@code sql/stored-order-kpis.sql}) as
     * {@code order_kpis} partitions, one per month, its rows by date.
     */
    public void writeOrderKpis(@Body List<Map<String, Object>> rows, @Header("touchedDates") List<Date> touched)
            throws IOException {
        long t0 = System.nanoTime();
        Fit fit = new Fit();
        List<OrderKpi> kpis = new ArrayList<>(rows.size());
        rows.forEach(row -> kpis.add(KpiItems.orderKpi(row)));
        kpis.sort(Comparator.comparing(OrderKpi::orderDate));
        try (PartitionFiles<CuratedRows.OrderKpi> files = files("order_kpis", BY_MONTH, CuratedRows.OrderKpi.class)) {
            for (OrderKpi k : kpis) {
                files.add(YearMonth.from(k.orderDate()), new CuratedRows.OrderKpi(k.orderDate(), k.totalOrders(),
                        fit.money(k.totalRevenue()), k.totalItemsSold(), k.returnRate(), k.uniqueCustomers(),
                        k.returnedOrders()));
            }
            done("order_kpis", files.finish(months(touched)), files.rows(), fit, t0);
        }
    }

    /**
     * The KPI step's CategoryKPIs rows of every date in the touched dates' months ({@code sql/stored-category-kpis.sql})
     * as {@code category_kpis} partitions, one per month, its rows by date then category.
     */
    public void writeCategoryKpis(@Body List<Map<String, Object>> rows, @Header("touchedDates") List<Date> touched)
            throws IOException {
        long t0 = System.nanoTime();
        Fit fit = new Fit();
        List<CategoryKpi> kpis = new ArrayList<>(rows.size());
        rows.forEach(row -> kpis.add(KpiItems.categoryKpi(row)));
        kpis.sort(Comparator.comparing(CategoryKpi::orderDate).thenComparing(CategoryKpi::category));
        try (PartitionFiles<CuratedRows.CategoryKpi> files = files("category_kpis", BY_MONTH,
                CuratedRows.CategoryKpi.class)) {
            for (CategoryKpi k : kpis) {
                files.add(YearMonth.from(k.orderDate()), new CuratedRows.CategoryKpi(k.orderDate(), k.category(),
                        fit.money(k.dailyRevenue()), fit.money(k.avgOrderValue()), k.avgReturnRate(), k.orders(),
                        k.returnedOrders()));
            }
            done("category_kpis", files.finish(months(touched)), files.rows(), fit, t0);
        }
    }

    private interface RowSink {
        void accept(ResultSet row) throws SQLException, IOException;
    }

    /** Runs {@code sql} for the dates and hands each row to {@code sink}, streaming (a cursor in a transaction). */
    private void stream(String sql, List<Date> touched, RowSink sink) throws SQLException, IOException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setFetchSize(FETCH_ROWS);
                s.setArray(1, c.createArrayOf("date", touched.toArray()));
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        sink.accept(r);
                    }
                }
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
        }
    }

    private void done(String table, int partitions, long rows, Fit fit, long t0) {
        LOG.info("Curated {}: {} partitions, {} rows in {} ms", table, partitions, rows,
                (System.nanoTime() - t0) / 1_000_000);
        if (fit.outOfRange > 0) {
            LOG.warn("Curated {}: {} values beyond decimal(38,s) written as null", table, fit.outOfRange);
        }
    }

    private static List<LocalDate> local(List<Date> dates) {
        return dates.stream().map(Date::toLocalDate).toList();
    }

    private static Set<YearMonth> months(List<Date> dates) {
        return dates.stream().map(d -> YearMonth.from(d.toLocalDate())).collect(Collectors.toCollection(TreeSet::new));
    }

    private static LocalDateTime utc(Timestamp t) {
        return t == null ? null : LocalDateTime.ofInstant(t.toInstant(), ZoneOffset.UTC);
    }

    /**
     * Fits a value into its column's decimal type: input money is rounded half-up to 6 decimals (the contract keeps
     * any precision; more than 6 decimals is not a real price), and a value with more than 38 digits, which no
     * Parquet decimal (nor Athena) holds, is written as null and counted.
     */
    static final class Fit {
        long outOfRange;

        BigDecimal input(BigDecimal value) {
            return fit(value, CuratedRows.INPUT_MONEY_SCALE);
        }

        BigDecimal money(BigDecimal value) {
            return fit(value, 2);
        }

        private BigDecimal fit(BigDecimal value, int scale) {
            if (value == null) {
                return null;
            }
            BigDecimal scaled = value.setScale(scale, RoundingMode.HALF_UP);
            if (scaled.precision() > CuratedRows.MAX_PRECISION) {
                outOfRange++;
                return null;
            }
            return scaled;
        }
    }
}
