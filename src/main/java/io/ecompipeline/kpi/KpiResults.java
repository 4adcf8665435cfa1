package io.ecompipeline.kpi;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.apache.camel.Body;
import org.apache.camel.Header;

/**
 * The KPI step's results kept in PostgreSQL ({@code pipeline.order_kpis}, {@code pipeline.category_kpis}): the rows of
 * the KPI queries as they came, exact and unrounded, one per date (or category and date), replaced for the dates the
 * step computed. The curated zone's KPI tables read them back instead of aggregating the dates' orders and lines a
 * second time (on 1M lines the two queries took as long as the KPI step's own). A date without orders keeps no row.
 */
public class KpiResults {

    static final List<String> ORDER_COLUMNS = List.of("order_date", "total_orders", "returned_orders",
            "unique_customers", "total_revenue", "total_items_sold");
    static final List<String> CATEGORY_COLUMNS = List.of("category", "order_date", "daily_revenue", "orders",
            "returned_orders");

    private final DataSource dataSource;

    public KpiResults(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Replaces the dates' rows of {@code pipeline.order_kpis} with the rows of {@code sql/order-kpis*.sql}. */
    public void storeOrderKpis(@Body List<Map<String, Object>> rows, @Header("touchedDates") List<Date> touched)
            throws SQLException {
        replace("pipeline.order_kpis", ORDER_COLUMNS, rows, touched);
    }

    /** Replaces the dates' rows of {@code pipeline.category_kpis} with the rows of {@code sql/category-kpis*.sql}. */
    public void storeCategoryKpis(@Body List<Map<String, Object>> rows, @Header("touchedDates") List<Date> touched)
            throws SQLException {
        replace("pipeline.category_kpis", CATEGORY_COLUMNS, rows, touched);
    }

    private void replace(String table, List<String> columns, List<Map<String, Object>> rows, List<Date> touched)
            throws SQLException {
        String insert = "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
                + String.join(", ", columns.stream().map(c -> "?").toList()) + ")";
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement forget = c.prepareStatement("DELETE FROM " + table + " WHERE order_date = ANY (?)");
                    PreparedStatement store = c.prepareStatement(insert)) {
                forget.setArray(1, c.createArrayOf("date", touched.toArray()));
                forget.executeUpdate();
                for (Map<String, Object> row : rows) {
                    for (int i = 0; i < columns.size(); i++) {
                        store.setObject(i + 1, row.get(columns.get(i)));
                    }
                    store.addBatch();
                }
                store.executeBatch();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }
}
