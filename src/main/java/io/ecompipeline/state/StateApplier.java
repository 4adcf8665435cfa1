package io.ecompipeline.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import io.ecompipeline.common.Jdbc;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a validated batch's staged rows to the state (docs/contract.md §4) in one transaction together with the
 * batch's status change, so a batch is applied at most once whatever crashes or retries happen around it. Records
 * the order dates whose KPIs the batch changed: the old and new dates of the orders it replaced and the dates of
 * the orders whose lines it replaced.
 */
public class StateApplier {

    private static final Logger LOG = LoggerFactory.getLogger(StateApplier.class);

    private static final String CLAIM = """
            UPDATE pipeline.batches SET status = 'applied', applied_seq = nextval('pipeline.batch_apply_seq'),
                   updated_at = now()
             WHERE batch_id = ? AND status = 'checked'""";
    private static final String DATES_BEFORE = """
            CREATE TEMP TABLE touched ON COMMIT DROP AS
            SELECT o.order_date FROM pipeline.orders o
             WHERE o.order_id IN (SELECT order_id FROM pipeline.stage_orders WHERE batch_id = ?)""";
    /**
     * Orders of the batch that an earlier batch gave another order_date (a corrected export, or two sources whose
     * order ids overlap): their KPIs move from one date to another. Counted, with the first few as examples, on the
     * batch's record before the upsert overwrites the old dates; the report and a WARN line say so.
     */
    private static final String MOVED = """
            UPDATE pipeline.batches b SET orders_moved = m.n, moved_examples = m.examples
              FROM (SELECT count(*) AS n,
                           coalesce(jsonb_agg(jsonb_build_object('order_id', order_id, 'from', old_date, 'to', new_date)
                                              ORDER BY order_id) FILTER (WHERE rn <= ?::int), '[]') AS examples,
                           string_agg(format('order %s: %s -> %s', order_id, old_date, new_date), ', '
                                      ORDER BY order_id) FILTER (WHERE rn <= 3) AS sample
                      FROM (SELECT s.order_id, o.order_date AS old_date, s.order_date AS new_date,
                                   row_number() OVER (ORDER BY s.order_id) AS rn
                              FROM pipeline.stage_orders s JOIN pipeline.orders o USING (order_id)
                             WHERE s.batch_id = ? AND o.order_date <> s.order_date) moved) m
             WHERE b.batch_id = ?
            RETURNING m.n, m.sample""";
    /** A product's latest accepted row of the batch (by file read order and line) wins. */
    private static final String UPSERT_CATALOG = """
            INSERT INTO pipeline.catalog (product_id, category, name, price, batch_id)
            SELECT DISTINCT ON (product_id) product_id, category, name, price, batch_id
              FROM pipeline.stage_products WHERE batch_id = ? ORDER BY product_id, file_order DESC, line DESC
            ON CONFLICT (product_id) DO UPDATE SET category = EXCLUDED.category, name = EXCLUDED.name,
                   price = EXCLUDED.price, batch_id = EXCLUDED.batch_id""";
    /** The batch rules left one row per order id. */
    private static final String UPSERT_ORDERS = """
            INSERT INTO pipeline.orders (order_id, user_id, order_date, total_amount, status, returned, batch_id)
            SELECT order_id, user_id, order_date, total_amount, status, status IN ('returned', 'refunded'), batch_id
              FROM pipeline.stage_orders WHERE batch_id = ?
            ON CONFLICT (order_id) DO UPDATE SET user_id = EXCLUDED.user_id, order_date = EXCLUDED.order_date,
                   total_amount = EXCLUDED.total_amount, status = EXCLUDED.status, returned = EXCLUDED.returned,
                   batch_id = EXCLUDED.batch_id""";
    private static final String DELETE_REPLACED_LINES = """
            DELETE FROM pipeline.order_lines l
             USING (SELECT DISTINCT order_id, product_id FROM pipeline.stage_lines WHERE batch_id = ?) s
             WHERE l.order_id = s.order_id AND l.product_id = s.product_id""";
    /** A line's category is resolved now (docs/contract.md §4): the catalog already holds this batch's products. */
    private static final String INSERT_LINES = """
            INSERT INTO pipeline.order_lines (order_id, product_id, quantity, unit_price, category, batch_id)
            SELECT l.order_id, l.product_id, l.quantity, l.unit_price, c.category, l.batch_id
              FROM pipeline.stage_lines l JOIN pipeline.catalog c USING (product_id)
             WHERE l.batch_id = ?""";
    /**
     * The dates the batch's orders now have, and those of earlier orders whose lines the batch replaced: after the
     * upsert, an order of this batch carries its batch id, so the others are the lines' orders with another one (a
     * semi-join, where an EXCEPT over every line's order id took most of a second at 1M lines).
     */
    private static final String DATES_AFTER = """
            INSERT INTO touched
            SELECT DISTINCT order_date FROM pipeline.stage_orders WHERE batch_id = ?
            UNION ALL
            SELECT DISTINCT o.order_date FROM pipeline.orders o
             WHERE o.batch_id <> ? AND o.order_id IN (SELECT order_id FROM pipeline.stage_lines WHERE batch_id = ?)""";
    private static final String RECORD_DATES = """
            UPDATE pipeline.batches
               SET touched_dates = ARRAY(SELECT DISTINCT order_date FROM touched ORDER BY 1)
             WHERE batch_id = ?""";

    /** A batch this big that wrote this share of a table refreshes its statistics (autovacuum's default share). */
    private static final int ANALYZE_MIN_ROWS = 10_000;
    private static final double ANALYZE_SHARE = 0.1;

    private final DataSource dataSource;
    private final int movedExamples;

    /** {@code movedExamples}: how many moved orders the report and the WARN line show. */
    public StateApplier(DataSource dataSource, int movedExamples) {
        this.dataSource = dataSource;
        this.movedExamples = movedExamples;
    }

    /** Returns true when this call applied the batch, false when it had been applied before. */
    public boolean apply(@Header("batchId") String batchId) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (Jdbc.update(c, CLAIM, batchId) == 0) {
                    c.rollback();
                    LOG.info("Already applied; state unchanged");
                    return false;
                }
                Jdbc.update(c, DATES_BEFORE, batchId);
                String moved = movedOrders(c, batchId);
                int products = Jdbc.update(c, UPSERT_CATALOG, batchId);
                int orders = Jdbc.update(c, UPSERT_ORDERS, batchId);
                int replaced = Jdbc.update(c, DELETE_REPLACED_LINES, batchId);
                int lines = Jdbc.update(c, INSERT_LINES, batchId);
                Jdbc.update(c, DATES_AFTER, batchId, batchId, batchId);
                Jdbc.update(c, RECORD_DATES, batchId);
                c.commit();
                LOG.info("Applied {} catalog rows, {} orders, {} lines (replacing {})", products, orders,
                        lines, replaced);
                if (moved != null) {
                    LOG.warn(moved);
                }
                c.setAutoCommit(true);
                analyzeIfGrown(c, "orders", orders);
                analyzeIfGrown(c, "order_lines", lines);
                return true;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** Records the batch's moved orders; returns the WARN line to log once the batch is applied, or null. */
    private String movedOrders(Connection c, String batchId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(MOVED)) {
            s.setString(1, Integer.toString(movedExamples));
            s.setString(2, batchId);
            s.setString(3, batchId);
            try (ResultSet r = s.executeQuery()) {
                long n = r.next() ? r.getLong(1) : 0;
                if (n == 0) {
                    return null;
                }
                return n + (n == 1 ? " order" : " orders") + " of this batch had another order_date in an earlier"
                        + " batch, so their KPIs moved to the new date: " + r.getString(2) + (n > 3 ? ", ..." : "")
                        + " (the report's orders_moved lists up to " + movedExamples + ")";
            }
        }
    }

    /**
     * Refreshes a state table's planner statistics when the batch wrote a tenth of it or more. Autovacuum would
     * analyze it too, but later: the KPI queries run at once, and without statistics (the first big batch) the planner
     * takes millions of orders for a few hundred and nests loops over them (minutes instead of seconds at 5M lines).
     * ANALYZE reads a fixed sample (about 30,000 rows), so it costs the same whatever the history's size.
     */
    private static void analyzeIfGrown(Connection c, String table, int written) throws SQLException {
        if (written < ANALYZE_MIN_ROWS) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement(
                "SELECT reltuples FROM pg_class WHERE oid = ('pipeline.' || ?)::regclass")) {
            s.setString(1, table);
            try (ResultSet r = s.executeQuery()) {
                double known = r.next() ? Math.max(0, r.getDouble(1)) : 0; // -1: never analyzed
                if (written < ANALYZE_SHARE * known) {
                    return;
                }
            }
        }
        long t0 = System.nanoTime();
        try (Statement s = c.createStatement()) {
            s.execute("ANALYZE pipeline." + table);
        }
        LOG.debug("Analyzed pipeline.{} in {} ms", table, (System.nanoTime() - t0) / 1_000_000);
    }
}
