package io.ecompipeline.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a validated batch's staged rows to the current state (CONTRACT §4) in one transaction together with the
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
    /** A line's category is resolved now (CONTRACT §4): the catalog already holds this batch's products. */
    private static final String INSERT_LINES = """
            INSERT INTO pipeline.order_lines (order_id, product_id, quantity, unit_price, category, batch_id)
            SELECT l.order_id, l.product_id, l.quantity, l.unit_price, c.category, l.batch_id
              FROM pipeline.stage_lines l JOIN pipeline.catalog c USING (product_id)
             WHERE l.batch_id = ?""";
    /** The dates the batch's orders now have, and those of earlier orders whose lines the batch replaced. */
    private static final String DATES_AFTER = """
            INSERT INTO touched
            SELECT order_date FROM pipeline.stage_orders WHERE batch_id = ?
            UNION ALL
            SELECT o.order_date FROM pipeline.orders o
             WHERE o.order_id IN (SELECT order_id FROM pipeline.stage_lines WHERE batch_id = ?
                                  EXCEPT SELECT order_id FROM pipeline.stage_orders WHERE batch_id = ?)""";
    private static final String RECORD_DATES = """
            UPDATE pipeline.batches
               SET touched_dates = ARRAY(SELECT DISTINCT order_date FROM touched ORDER BY 1)
             WHERE batch_id = ?""";

    private final DataSource dataSource;

    public StateApplier(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Returns true when this call applied the batch, false when it had been applied before. */
    public boolean apply(@Header("batchId") String batchId) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (update(c, CLAIM, batchId) == 0) {
                    c.rollback();
                    LOG.info("Already applied; state unchanged");
                    return false;
                }
                update(c, DATES_BEFORE, batchId);
                int products = update(c, UPSERT_CATALOG, batchId);
                int orders = update(c, UPSERT_ORDERS, batchId);
                int replaced = update(c, DELETE_REPLACED_LINES, batchId);
                int lines = update(c, INSERT_LINES, batchId);
                update(c, DATES_AFTER, batchId, batchId, batchId);
                update(c, RECORD_DATES, batchId);
                for (String staged : new String[] {"stage_products", "stage_orders", "stage_lines"}) {
                    update(c, "DELETE FROM pipeline." + staged + " WHERE batch_id = ?", batchId);
                }
                c.commit();
                LOG.info("Applied {} catalog rows, {} orders, {} lines (replacing {})", products, orders,
                        lines, replaced);
                return true;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private static int update(Connection c, String sql, String... params) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setString(i + 1, params[i]);
            }
            return s.executeUpdate();
        }
    }
}
