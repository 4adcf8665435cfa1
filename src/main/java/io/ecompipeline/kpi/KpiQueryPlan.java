package io.ecompipeline.kpi;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import javax.sql.DataSource;

import org.apache.camel.Header;

/**
 * Tells the KPI routes which of the two query shapes fits the batch: {@code per-order} (each touched date's orders
 * through the date index, each order's lines through theirs: time follows the touched orders, whatever the history)
 * or {@code set} (the dates' orders hash-joined with all lines and grouped: the fastest way when the touched dates
 * hold a large share of the orders, as for a first load).
 * <p>
 * PostgreSQL cannot choose by itself: for a date list it estimates every date at the average orders per date, so a
 * daily batch's fresh dates (a few orders each, on a history of millions) look like the whole table, and it scans all
 * lines (seconds at 5M orders, for 10,000 lines). This bean counts the touched dates' orders through the index, up to
 * the share that decides, so the count costs at most that share's index reads.
 */
public class KpiQueryPlan {

    public static final String PER_ORDER = "per-order";
    public static final String SET = "set";

    private static final String COUNT_UP_TO = """
            SELECT count(*) FROM (
                SELECT 1 FROM unnest(?::date[]) AS d (order_date)
                 CROSS JOIN LATERAL (SELECT 1 FROM pipeline.orders o WHERE o.order_date = d.order_date OFFSET 0) x
                 LIMIT ?) counted""";

    private final DataSource dataSource;
    private final double perOrderMaxShare;

    /**
     * @param perOrderMaxShare the largest share of all orders the touched dates may hold for the per-order shape
     */
    public KpiQueryPlan(DataSource dataSource, double perOrderMaxShare) {
        this.dataSource = dataSource;
        this.perOrderMaxShare = perOrderMaxShare;
    }

    public String choose(@Header("touchedDates") List<Date> touched) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            long orders = estimatedOrders(c);
            long limit = (long) Math.ceil(orders * perOrderMaxShare);
            if (limit == 0) {
                return SET;
            }
            try (PreparedStatement s = c.prepareStatement(COUNT_UP_TO)) {
                s.setArray(1, c.createArrayOf("date", touched.toArray()));
                s.setLong(2, limit);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    return r.getLong(1) < limit ? PER_ORDER : SET;
                }
            }
        }
    }

    /**
     * The planner's count of the orders table (kept by ANALYZE and autovacuum), or the exact count while the table was
     * never analyzed: then it is small, since apply analyzes it after any batch of 10,000 orders or more.
     */
    private static long estimatedOrders(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT reltuples FROM pg_class WHERE oid = 'pipeline.orders'::regclass");
                ResultSet r = s.executeQuery()) {
            double estimate = r.next() ? r.getDouble(1) : -1;
            if (estimate >= 0) {
                return (long) estimate;
            }
        }
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM pipeline.orders");
                ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }
}
