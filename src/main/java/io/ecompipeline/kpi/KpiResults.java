package io.ecompipeline.kpi;

import java.sql.Date;
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
        List<List<Object>> values = rows.stream()
                .map(row -> columns.stream().map(row::get).toList()).toList();
        DateRows.replace(dataSource, table, columns, values, touched);
    }
}
