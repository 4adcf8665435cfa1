package io.ecompipeline.kpi;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Turns the KPI queries' rows (one per order date, or per category and date, with exact sums and counts) into the
 * DynamoDB writes of docs/contract.md §5: the rounded KPIs as full items (a repeat writes the same values), and a
 * delete for a touched date (or category on a date) that no longer has orders. Which CategoryKPIs items exist is kept
 * in {@code pipeline.category_kpi_keys}, so vanished categories are found without scanning DynamoDB.
 */
public class KpiItems {

    /** The exchange property holding the category/date keys the batch writes, remembered once they are written. */
    public static final String CATEGORY_KEYS = "pipelineCategoryKeys";

    private final DataSource dataSource;

    public KpiItems(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The OrderKPIs a row of {@code sql/order-kpis.sql} gives, rounded per the contract. */
    public static OrderKpi orderKpi(Map<String, Object> row) {
        long orders = count(row.get("total_orders"));
        long returned = count(row.get("returned_orders"));
        return new OrderKpi(date(row.get("order_date")), orders, Rounding.money(decimal(row.get("total_revenue"))),
                decimal(row.get("total_items_sold")).longValueExact(), Rounding.rate(returned, orders),
                count(row.get("unique_customers")), returned);
    }

    /** The CategoryKPIs a row of {@code sql/category-kpis.sql} gives, rounded per the contract. */
    public static CategoryKpi categoryKpi(Map<String, Object> row) {
        long orders = count(row.get("orders"));
        long returned = count(row.get("returned_orders"));
        BigDecimal revenue = decimal(row.get("daily_revenue"));
        return new CategoryKpi((String) row.get("category"), date(row.get("order_date")), Rounding.money(revenue),
                Rounding.moneyPer(revenue, orders), Rounding.rate(returned, orders), orders, returned);
    }

    public List<WriteRequest> orderWrites(@Body List<Map<String, Object>> rows,
            @Header("touchedDates") List<Date> touched, @Header("batchId") String batchId) {
        String now = Instant.now().toString();
        List<WriteRequest> writes = new ArrayList<>(rows.size());
        Set<LocalDate> present = new HashSet<>();
        for (Map<String, Object> row : rows) {
            OrderKpi k = orderKpi(row);
            present.add(k.orderDate());
            Map<String, AttributeValue> item = new HashMap<>();
            item.put("order_date", s(k.orderDate().toString()));
            item.put("total_orders", n(Long.toString(k.totalOrders())));
            item.put("total_revenue", n(k.totalRevenue().toPlainString()));
            item.put("total_items_sold", n(Long.toString(k.totalItemsSold())));
            item.put("return_rate", n(k.returnRate().toPlainString()));
            item.put("unique_customers", n(Long.toString(k.uniqueCustomers())));
            item.put("returned_orders", n(Long.toString(k.returnedOrders())));
            item.put("updated_at", s(now));
            item.put("batch_id", s(batchId));
            writes.add(put(item));
        }
        for (Date d : touched) {
            if (!present.contains(d.toLocalDate())) {
                writes.add(delete(Map.of("order_date", s(d.toLocalDate().toString()))));
            }
        }
        return writes;
    }

    public List<WriteRequest> categoryWrites(@Body List<Map<String, Object>> rows,
            @Header("touchedDates") List<Date> touched, @Header("batchId") String batchId, Exchange exchange)
            throws SQLException {
        String now = Instant.now().toString();
        List<WriteRequest> writes = new ArrayList<>(rows.size());
        List<CategoryKpi> kpis = new ArrayList<>(rows.size());
        Set<String> present = new HashSet<>();
        for (Map<String, Object> row : rows) {
            CategoryKpi k = categoryKpi(row);
            kpis.add(k);
            present.add(k.category() + "\n" + k.orderDate());
            Map<String, AttributeValue> item = new HashMap<>();
            item.put("category", s(k.category()));
            item.put("order_date", s(k.orderDate().toString()));
            item.put("daily_revenue", n(k.dailyRevenue().toPlainString()));
            item.put("avg_order_value", n(k.avgOrderValue().toPlainString()));
            item.put("avg_return_rate", n(k.avgReturnRate().toPlainString()));
            item.put("orders", n(Long.toString(k.orders())));
            item.put("returned_orders", n(Long.toString(k.returnedOrders())));
            item.put("updated_at", s(now));
            item.put("batch_id", s(batchId));
            writes.add(put(item));
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement existing = c.prepareStatement(
                "SELECT category, order_date FROM pipeline.category_kpi_keys WHERE order_date = ANY (?)")) {
            existing.setArray(1, c.createArrayOf("date", touched.toArray()));
            try (ResultSet r = existing.executeQuery()) {
                while (r.next()) {
                    String category = r.getString(1);
                    String date = r.getDate(2).toLocalDate().toString();
                    if (!present.contains(category + "\n" + date)) {
                        writes.add(delete(Map.of("category", s(category), "order_date", s(date))));
                    }
                }
            }
        }
        exchange.setProperty(CATEGORY_KEYS, kpis);
        return writes;
    }

    /** After the CategoryKPIs are written: the touched dates' keys are now those the batch wrote. */
    public void rememberCategoryKeys(@Header("touchedDates") List<Date> touched,
            @ExchangeProperty(CATEGORY_KEYS) List<CategoryKpi> written) throws SQLException {
        List<List<Object>> keys = (written == null ? List.<CategoryKpi>of() : written).stream()
                .map(k -> List.<Object>of(k.category(), Date.valueOf(k.orderDate()))).toList();
        DateRows.replace(dataSource, "pipeline.category_kpi_keys", List.of("category", "order_date"), keys, touched);
    }

    private static WriteRequest put(Map<String, AttributeValue> item) {
        return WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build();
    }

    private static WriteRequest delete(Map<String, AttributeValue> key) {
        return WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(key).build()).build();
    }

    private static long count(Object value) {
        return ((Number) value).longValue();
    }

    private static BigDecimal decimal(Object value) {
        return value instanceof BigDecimal d ? d : new BigDecimal(value.toString());
    }

    private static LocalDate date(Object value) {
        if (value instanceof Date d) {
            return d.toLocalDate();
        }
        return value instanceof LocalDate d ? d : LocalDate.parse(value.toString());
    }

    private static AttributeValue s(String value) {
        return AttributeValue.builder().s(value).build();
    }

    private static AttributeValue n(String value) {
        return AttributeValue.builder().n(value).build();
    }
}
