package io.ecompipeline.kpi;

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
import java.util.concurrent.ThreadLocalRandom;

import javax.sql.DataSource;

import io.ecompipeline.observe.PipelineMetrics;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Writes the recomputed KPIs of the touched dates to DynamoDB with BatchWriteItem, looping on unprocessed items
 * with exponential backoff and jitter. Every write is a full overwrite, so repeating a load changes nothing. A touched
 * date (or category on a date) that no longer has orders gets its item deleted.
 */
public class KpiTableWriter {

    private static final Logger LOG = LoggerFactory.getLogger(KpiTableWriter.class);
    private static final int BATCH_LIMIT = 25;

    private final DynamoDbClient dynamoDb;
    private final DataSource dataSource;
    private final String orderTable;
    private final String categoryTable;
    private final int maxAttempts;
    private final PipelineMetrics metrics;

    public KpiTableWriter(DynamoDbClient dynamoDb, DataSource dataSource, String orderTable, String categoryTable,
            int maxAttempts, PipelineMetrics metrics) {
        this.metrics = metrics;
        this.dynamoDb = dynamoDb;
        this.dataSource = dataSource;
        this.orderTable = orderTable;
        this.categoryTable = categoryTable;
        this.maxAttempts = maxAttempts;
    }

    public int writeOrderKpis(@Body Object totals, @Header("touchedDates") List<Date> touched,
            @Header("batchId") String batchId) {
        List<OrderKpi> kpis = totals instanceof OrderKpiAggregation.Totals t ? t.kpis() : List.of();
        String now = Instant.now().toString();
        List<WriteRequest> writes = new ArrayList<>();
        Set<LocalDate> present = new HashSet<>();
        for (OrderKpi k : kpis) {
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
            writes.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
        }
        for (Date d : touched) {
            if (!present.contains(d.toLocalDate())) {
                writes.add(delete(Map.of("order_date", s(d.toLocalDate().toString()))));
            }
        }
        write(orderTable, writes, batchId);
        return kpis.size();
    }

    public int writeCategoryKpis(@Body Object totals, @Header("touchedDates") List<Date> touched,
            @Header("batchId") String batchId) throws SQLException {
        List<CategoryKpi> kpis = totals instanceof CategoryKpiAggregation.Totals t ? t.kpis() : List.of();
        String now = Instant.now().toString();
        List<WriteRequest> writes = new ArrayList<>();
        Set<String> present = new HashSet<>();
        for (CategoryKpi k : kpis) {
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
            writes.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement existing = c.prepareStatement(
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
            write(categoryTable, writes, batchId);
            try (PreparedStatement forget = c.prepareStatement(
                    "DELETE FROM pipeline.category_kpi_keys WHERE order_date = ANY (?)");
                    PreparedStatement remember = c.prepareStatement(
                            "INSERT INTO pipeline.category_kpi_keys (category, order_date) VALUES (?, ?)")) {
                forget.setArray(1, c.createArrayOf("date", touched.toArray()));
                forget.executeUpdate();
                for (CategoryKpi k : kpis) {
                    remember.setString(1, k.category());
                    remember.setDate(2, Date.valueOf(k.orderDate()));
                    remember.addBatch();
                }
                remember.executeBatch();
            }
            c.commit();
        }
        return kpis.size();
    }

    private static WriteRequest delete(Map<String, AttributeValue> key) {
        return WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(key).build()).build();
    }

    private void write(String table, List<WriteRequest> writes, String batchId) {
        for (int from = 0; from < writes.size(); from += BATCH_LIMIT) {
            List<WriteRequest> chunk = writes.subList(from, Math.min(writes.size(), from + BATCH_LIMIT));
            Map<String, List<WriteRequest>> pending = Map.of(table, chunk);
            for (int attempt = 1; !pending.isEmpty(); attempt++) {
                if (attempt > maxAttempts) {
                    throw new IllegalStateException("DynamoDB left " + pending.get(table).size() + " writes to " + table
                            + " unprocessed after " + maxAttempts + " attempts");
                }
                if (attempt > 1) {
                    backoff(attempt);
                }
                Map<String, List<WriteRequest>> request = pending;
                BatchWriteItemResponse response;
                try {
                    response = dynamoDb.batchWriteItem(b -> b.requestItems(request));
                } catch (SdkException e) {
                    throw new IllegalStateException("Writing KPIs to DynamoDB table " + table + " failed: "
                            + e.getMessage(), e);
                }
                pending = response.hasUnprocessedItems() ? response.unprocessedItems() : Map.of();
            }
        }
        metrics.kpiItemsWritten(table, writes.size());
        LOG.info("Wrote {} items to {}", writes.size(), table);
    }

    private static void backoff(int attempt) {
        long cap = Math.min(5_000, 50L << Math.min(attempt, 10));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(cap / 2, cap + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while retrying DynamoDB writes", e);
        }
    }

    private static AttributeValue s(String value) {
        return AttributeValue.builder().s(value).build();
    }

    private static AttributeValue n(String value) {
        return AttributeValue.builder().n(value).build();
    }
}
