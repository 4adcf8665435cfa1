package io.ecompipeline.dashboard;

import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecompipeline.common.S3Objects;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * What the KPI dashboard shows, read where the pipeline keeps it: the KPI items from DynamoDB (the last
 * {@code days} order dates), the recent batches from {@code pipeline.batches} and each finished batch's quality
 * report from S3. Returns plain maps and lists for the JSON endpoints.
 */
public class DashboardData {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> ORDER_FIELDS = List.of("order_date", "total_orders", "total_revenue", "return_rate",
            "unique_customers", "returned_orders", "total_items_sold", "batch_id");
    static final List<String> CATEGORY_FIELDS = List.of("category", "order_date", "daily_revenue", "avg_order_value",
            "avg_return_rate", "orders", "batch_id");

    private final DynamoDbClient dynamoDb;
    private final String orderTable;
    private final String categoryTable;
    private final DataSource dataSource;
    private final S3Objects s3;
    private final String reportsPrefix;
    private final int days;
    private final int recentBatches;

    public DashboardData(DynamoDbClient dynamoDb, String orderTable, String categoryTable, DataSource dataSource,
            S3Objects s3, String reportsPrefix, int days, int recentBatches) {
        this.dynamoDb = dynamoDb;
        this.orderTable = orderTable;
        this.categoryTable = categoryTable;
        this.dataSource = dataSource;
        this.s3 = s3;
        this.reportsPrefix = reportsPrefix;
        this.days = days;
        this.recentBatches = recentBatches;
    }

    /** OrderKPIs items of the last {@code days} order dates, oldest first. */
    public List<Map<String, Object>> orderKpis() {
        return lastDays(scan(orderTable, ORDER_FIELDS));
    }

    /** CategoryKPIs items of the last {@code days} order dates, by date then category. */
    public List<Map<String, Object>> categoryKpis() {
        return lastDays(scan(categoryTable, CATEGORY_FIELDS));
    }

    /** The most recent batches, newest first, each with its quality report's totals once it has finished. */
    public List<Map<String, Object>> batches() throws SQLException, IOException {
        List<Map<String, Object>> batches = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT batch_id, status, first_arrival, updated_at, error FROM pipeline.batches"
                        + " ORDER BY first_arrival DESC, batch_id DESC LIMIT ?")) {
            s.setInt(1, recentBatches);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    Map<String, Object> b = new LinkedHashMap<>();
                    b.put("batch_id", r.getString("batch_id"));
                    b.put("status", r.getString("status"));
                    b.put("first_arrival", instant(r.getTimestamp("first_arrival")));
                    b.put("updated_at", instant(r.getTimestamp("updated_at")));
                    b.put("error", r.getString("error"));
                    batches.add(b);
                }
            }
        }
        for (Map<String, Object> b : batches) {
            b.put("report", report((String) b.get("batch_id")));
        }
        return batches;
    }

    /** The report's totals, rejected rows by reason (summed over its files) and changed dates; null until written. */
    private Map<String, Object> report(String batchId) throws IOException {
        byte[] bytes;
        try {
            bytes = s3.read(reportsPrefix + batchId + ".json");
        } catch (NoSuchKeyException e) {
            return null;
        }
        JsonNode report = JSON.readTree(bytes);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("key", reportsPrefix + batchId + ".json");
        summary.put("finished_at", report.path("finished_at").asText(null));
        summary.put("totals", JSON.convertValue(report.path("totals"), Map.class));
        Map<String, Long> byReason = new java.util.TreeMap<>();
        List<Map<String, Object>> quarantined = new ArrayList<>();
        for (JsonNode f : report.path("files")) {
            f.path("rejected_by_reason").fields().forEachRemaining(e -> byReason.merge(e.getKey(), e.getValue().asLong(),
                    Long::sum));
            if (!"archived".equals(f.path("outcome").asText())) {
                Map<String, Object> q = new LinkedHashMap<>();
                q.put("key", f.path("key").asText());
                q.put("reason", f.path("reason").asText(null));
                quarantined.add(q);
            }
        }
        summary.put("rejected_by_reason", byReason);
        summary.put("quarantined_files", quarantined);
        summary.put("order_dates_changed", JSON.convertValue(report.path("order_dates_changed"), List.class));
        return summary;
    }

    private List<Map<String, Object>> scan(String table, List<String> fields) {
        List<Map<String, Object>> rows = new ArrayList<>();
        dynamoDb.scanPaginator(b -> b.tableName(table)).items().forEach(item -> {
            Map<String, Object> row = new LinkedHashMap<>();
            for (String f : fields) {
                row.put(f, value(item.get(f)));
            }
            rows.add(row);
        });
        rows.sort(Comparator.comparing((Map<String, Object> r) -> String.valueOf(r.get("order_date")))
                .thenComparing(r -> String.valueOf(r.get(fields.get(0)))));
        return rows;
    }

    private List<Map<String, Object>> lastDays(List<Map<String, Object>> rows) {
        TreeSet<String> dates = new TreeSet<>();
        rows.forEach(r -> dates.add(String.valueOf(r.get("order_date"))));
        while (dates.size() > days) {
            dates.pollFirst();
        }
        return rows.stream().filter(r -> dates.contains(String.valueOf(r.get("order_date")))).toList();
    }

    private static Object value(AttributeValue v) {
        if (v == null) {
            return null;
        }
        return v.n() != null ? new BigDecimal(v.n()) : v.s();
    }

    private static String instant(Timestamp t) {
        return t == null ? null : t.toInstant().toString();
    }
}
