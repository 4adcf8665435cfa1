package io.ecompipeline.generate;

import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;

import javax.sql.DataSource;

import io.ecompipeline.common.SqlScripts;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * The shop's tables in PostgreSQL (schema {@code shop}, sql/shop-schema.sql): what a run reads before it starts (the
 * last day generated, the state to continue from) and how a commit of simulated days is written. New rows go in with
 * COPY (the fastest way into PostgreSQL), the changed orders and customers with one UPDATE each over arrays, so a
 * commit is a handful of round trips whatever its size. Writes happen on the caller's connection, in its transaction.
 */
final class ShopTables {

    /** The advisory lock shop-schema.sql is applied under (the key earlier versions used too). */
    private static final long SCHEMA_LOCK = 774411;

    private final DataSource dataSource;

    ShopTables(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    void applySchema() throws SQLException {
        SqlScripts.apply(dataSource, "/sql/shop-schema.sql", SCHEMA_LOCK);
    }

    /** The last day committed, or null when the shop is empty. */
    LocalDate lastGeneratedDay() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT max(day) FROM shop.generated_days")) {
            rs.next();
            Date d = rs.getDate(1);
            return d == null ? null : d.toLocalDate();
        }
    }

    /** The scale and seed the history was generated with, as its initial run recorded them. */
    record HistorySettings(long seed, double scale, LocalDate firstDay) {
    }

    /** The shop's recorded history settings, or null (an empty shop, or one generated before they were recorded). */
    HistorySettings historySettings() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT seed, scale, first_day FROM shop.generator_settings")) {
            return rs.next() ? new HistorySettings(rs.getLong(1), rs.getDouble(2), rs.getDate(3).toLocalDate())
                    : null;
        }
    }

    /** Records the history's settings (once: a resumed initial run keeps the first record). */
    static void recordHistorySettings(Connection c, HistorySettings settings) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO shop.generator_settings (seed, scale, first_day) "
                + "VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
            ps.setLong(1, settings.seed());
            ps.setDouble(2, settings.scale());
            ps.setDate(3, Date.valueOf(settings.firstDay()));
            ps.executeUpdate();
        }
    }

    /** The in-memory state as of the last day committed. */
    ShopState loadState(long seed, LocalDate lastDone) throws SQLException {
        ShopState state = new ShopState(seed);
        try (Connection c = dataSource.getConnection()) {
            state.load(c, lastDone);
        }
        return state;
    }

    /** The commit's new rows and the changes to earlier orders and customers. */
    static void write(Connection c, DaySimulation.Commit commit) throws SQLException, IOException {
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        copyIn(copy, "shop.customers", commit.customers);
        copyIn(copy, "shop.products", commit.products);
        copyIn(copy, "shop.orders", commit.orders);
        copyIn(copy, "shop.order_items", commit.items);
        updateOrders(c, commit);
        updateCustomers(c, commit);
    }

    /** Marks the commit's days generated (a run resumes after the last one), with their counts. */
    static void markGenerated(Connection c, DaySimulation.Commit commit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO shop.generated_days (day, customers, "
                + "products, orders, order_items, status_updates, payments, shipments) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (int k = 0; k < commit.dayCounts.length; k++) {
                ps.setDate(1, Date.valueOf(LocalDate.ofEpochDay(commit.firstDay + k)));
                for (int j = 0; j < 7; j++) {
                    ps.setLong(j + 2, commit.dayCounts[k][j]);
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void updateOrders(Connection c, DaySimulation.Commit commit) throws SQLException {
        if (commit.updatedIds.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE shop.orders o SET status = u.status, "
                + "updated_at = u.at::timestamp FROM unnest(?::bigint[], ?::text[], ?::text[]) AS u(id, status, at) "
                + "WHERE o.order_id = u.id")) {
            ps.setArray(1, array(c, "bigint", commit.updatedIds));
            ps.setArray(2, array(c, "text", commit.updatedStatuses));
            ps.setArray(3, array(c, "text", commit.updatedAt));
            ps.executeUpdate();
        }
    }

    private static void updateCustomers(Connection c, DaySimulation.Commit commit) throws SQLException {
        if (commit.changedCustomers.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE shop.customers c SET segment = u.segment, "
                + "lifetime_value = u.value::numeric, updated_at = u.at::timestamp "
                + "FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[]) AS u(id, segment, value, at) "
                + "WHERE c.customer_id = u.id")) {
            ps.setArray(1, array(c, "bigint", commit.changedCustomers));
            ps.setArray(2, array(c, "text", commit.changedSegments));
            ps.setArray(3, array(c, "text", commit.changedValues));
            ps.setArray(4, array(c, "text", commit.changedAt));
            ps.executeUpdate();
        }
    }

    private static java.sql.Array array(Connection c, String type, List<?> values) throws SQLException {
        return c.createArrayOf(type, values.toArray());
    }

    private static void copyIn(CopyManager copy, String table, StringBuilder rows) throws SQLException, IOException {
        if (rows.length() > 0) {
            copy.copyIn("COPY " + table + " FROM STDIN", new StringReader(rows.toString()));
        }
    }
}
