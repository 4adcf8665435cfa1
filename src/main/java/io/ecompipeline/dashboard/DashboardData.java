package io.ecompipeline.dashboard;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecompipeline.common.S3Objects;
import io.ecompipeline.kpi.KpiReader;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * What the KPI dashboard shows, read where the pipeline keeps it: the KPI items of a date range from DynamoDB (by
 * key through {@link KpiReader}: BatchGetItem and Query, never a table scan), the categories,
 * newest order date and recent batches from PostgreSQL, and each finished batch's quality report from S3. Returns
 * plain maps and lists for the JSON endpoints.
 */
public class DashboardData {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KpiReader kpis;
    private final DataSource dataSource;
    private final S3Objects s3;
    private final String reportsPrefix;
    private final int recentBatches;

    public DashboardData(KpiReader kpis, DataSource dataSource, S3Objects s3, String reportsPrefix, int recentBatches) {
        this.kpis = kpis;
        this.dataSource = dataSource;
        this.s3 = s3;
        this.reportsPrefix = reportsPrefix;
        this.recentBatches = recentBatches;
    }

    /** OrderKPIs items of the range's dates, oldest first (BatchGetItem, see {@link KpiReader}). */
    public List<Map<String, Object>> orderKpis(DateRange range) {
        return kpis.orderKpis(range.from(), range.to());
    }

    /** CategoryKPIs items of the range, by category then date: one Query per category (see {@link KpiReader}). */
    public List<Map<String, Object>> categoryKpis(DateRange range, List<String> categories) {
        return kpis.categoryKpis(range.from(), range.to(), categories);
    }

    /**
     * The categories that have CategoryKPIs items, from {@code pipeline.category_kpi_keys} (the pipeline keeps there
     * exactly the keys it wrote, so a category whose items were all deleted is gone from it too).
     */
    public List<String> categories() throws SQLException {
        List<String> categories = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT DISTINCT category FROM pipeline.category_kpi_keys ORDER BY category");
                ResultSet r = s.executeQuery()) {
            while (r.next()) {
                categories.add(r.getString(1));
            }
        }
        return categories;
    }

    /** The newest order date of the shop ({@code pipeline.orders}); null while it has no orders. */
    public LocalDate newestOrderDate() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT max(order_date) FROM pipeline.orders"); ResultSet r = s.executeQuery()) {
            r.next();
            java.sql.Date newest = r.getDate(1);
            return newest == null ? null : newest.toLocalDate();
        }
    }

    /** When the last batch finished; null before the first. */
    public String lastBatchFinished() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT max(updated_at) FROM pipeline.batches WHERE status = 'finished'"); ResultSet r = s.executeQuery()) {
            r.next();
            return instant(r.getTimestamp(1));
        }
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
        List<Map<String, Object>> withRejected = new ArrayList<>();
        for (JsonNode f : report.path("files")) {
            f.path("rejected_by_reason").fields().forEachRemaining(e -> byReason.merge(e.getKey(), e.getValue().asLong(),
                    Long::sum));
            String rejectedRows = f.path("rejected_rows").asText("");
            if (!rejectedRows.isEmpty()) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("key", f.path("key").asText());
                r.put("rows_rejected", f.path("rows_rejected").asLong());
                r.put("rejected_rows", rejectedRows);
                withRejected.add(r);
            }
            if (!"archived".equals(f.path("outcome").asText())) {
                Map<String, Object> q = new LinkedHashMap<>();
                q.put("key", f.path("key").asText());
                q.put("reason", f.path("reason").asText(null));
                q.put("detail", f.path("detail").asText(null));
                q.put("rejected_rows", rejectedRows.isEmpty() ? null : rejectedRows);
                quarantined.add(q);
            }
        }
        summary.put("rejected_by_reason", byReason);
        summary.put("quarantined_files", quarantined);
        summary.put("files_with_rejected_rows", withRejected);
        summary.put("order_dates_changed", JSON.convertValue(report.path("order_dates_changed"), List.class));
        return summary;
    }

    private static String instant(Timestamp t) {
        return t == null ? null : t.toInstant().toString();
    }
}
