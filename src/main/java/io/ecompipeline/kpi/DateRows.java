package io.ecompipeline.kpi;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

import javax.sql.DataSource;

/**
 * Replaces the rows of some order dates in a PostgreSQL table keyed by {@code order_date} (and maybe more), in one
 * transaction: the dates' rows are deleted, the new ones inserted in one JDBC batch. The KPI step keeps this way both
 * what DynamoDB holds ({@code pipeline.category_kpi_keys}, {@link KpiItems}) and its query results
 * ({@code pipeline.order_kpis}, {@code pipeline.category_kpis}, {@link KpiResults}).
 */
final class DateRows {

    private DateRows() {
    }

    /** {@code rows} hold the values of {@code columns}, in their order. */
    static void replace(DataSource dataSource, String table, List<String> columns, List<List<Object>> rows,
            List<Date> dates) throws SQLException {
        String insert = "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
                + String.join(", ", columns.stream().map(c -> "?").toList()) + ")";
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement forget = c.prepareStatement("DELETE FROM " + table + " WHERE order_date = ANY (?)");
                    PreparedStatement store = c.prepareStatement(insert)) {
                forget.setArray(1, c.createArrayOf("date", dates.toArray()));
                forget.executeUpdate();
                for (List<Object> row : rows) {
                    for (int i = 0; i < row.size(); i++) {
                        store.setObject(i + 1, row.get(i));
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
