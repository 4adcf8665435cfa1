package io.ecompipeline.generate;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import io.ecompipeline.common.S3Objects;

/**
 * A generated day's exports as a file set under {@code incoming/} (docs/contract.md §1): the day's new orders and the
 * earlier orders whose status changed that day, spread over N {@code orders_<date>_<i>.csv} files; all lines of those
 * orders over M {@code order_items_<date>_<i>.csv} files; the whole catalog as {@code products_<date>.csv}. Keys
 * depend only on the date, so a day regenerated after a crash rewrites the same objects with the same bytes.
 */
final class DayExport {

    private final Connection connection;
    private final S3Objects s3;
    private final String incoming;
    private final int orderFiles;
    private final int itemFiles;

    DayExport(Connection connection, S3Objects s3, String incoming, int orderFiles, int itemFiles) {
        this.connection = connection;
        this.s3 = s3;
        this.incoming = incoming;
        this.orderFiles = Math.max(1, orderFiles);
        this.itemFiles = Math.max(1, itemFiles);
    }

    /** Writes the file set (within the day's transaction, so it sees the day's rows); returns the keys written. */
    List<String> write(LocalDate day, List<Long> updatedOrders) throws SQLException {
        String ds = day.toString();
        List<String> orders = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT order_id, customer_id, order_date, "
                + "total_amount, status FROM shop.orders WHERE order_date = ? OR order_id = ANY(?) ORDER BY order_id")) {
            ps.setDate(1, Date.valueOf(day));
            ps.setArray(2, connection.createArrayOf("bigint", updatedOrders.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    orders.add(rs.getLong(1) + "," + rs.getLong(2) + "," + rs.getDate(3) + ","
                            + rs.getBigDecimal(4).toPlainString() + "," + rs.getString(5) + "\n");
                }
            }
        }
        List<String> items = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT i.order_id, i.product_id, i.quantity, "
                + "i.unit_price FROM shop.order_items i JOIN shop.orders o ON o.order_id = i.order_id "
                + "WHERE o.order_date = ? OR o.order_id = ANY(?) ORDER BY i.order_id, i.line_no")) {
            ps.setDate(1, Date.valueOf(day));
            ps.setArray(2, connection.createArrayOf("bigint", updatedOrders.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    items.add(rs.getLong(1) + "," + rs.getLong(2) + "," + rs.getInt(3) + ","
                            + rs.getBigDecimal(4).toPlainString() + "\n");
                }
            }
        }
        StringBuilder catalog = new StringBuilder("product_id,category,name,price\n");
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT product_id, category, name, price FROM shop.products ORDER BY product_id");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                catalog.append(rs.getLong(1)).append(',').append(csv(rs.getString(2))).append(',')
                        .append(csv(rs.getString(3))).append(',').append(rs.getBigDecimal(4).toPlainString())
                        .append('\n');
            }
        }
        List<String> keys = new ArrayList<>();
        keys.add(incoming + "products_" + ds + ".csv");
        s3.put(keys.get(0), catalog.toString().getBytes(StandardCharsets.UTF_8), "text/csv");
        split(orders, orderFiles, "orders_" + ds + "_", "order_id,user_id,order_date,total_amount,status\n", keys);
        split(items, itemFiles, "order_items_" + ds + "_", "order_id,product_id,quantity,unit_price\n", keys);
        return keys;
    }

    /** Contiguous slices, so each order's lines stay in one file; every file is written, empty or not. */
    private void split(List<String> rows, int files, String name, String header, List<String> keys) {
        int per = (rows.size() + files - 1) / files;
        for (int f = 0; f < files; f++) {
            StringBuilder sb = new StringBuilder(header);
            for (int i = f * per; i < Math.min(rows.size(), (f + 1) * per); i++) {
                sb.append(rows.get(i));
            }
            String key = incoming + name + (f + 1) + ".csv";
            s3.put(key, sb.toString().getBytes(StandardCharsets.UTF_8), "text/csv");
            keys.add(key);
        }
    }

    static String csv(String v) {
        if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
            return '"' + v.replace("\"", "\"\"") + '"';
        }
        return v;
    }
}
