package io.ecompipeline.kpi;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import io.ecompipeline.observe.PipelineMetrics;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Sends one BatchWriteItem request (at most 25 writes: the route groups them) and loops on the items DynamoDB left
 * unprocessed, with exponential backoff and jitter, up to {@code max-write-attempts}. Every write is a full
 * overwrite or a delete, so repeating it changes nothing. Camel's aws2-ddb has no BatchWriteItem: this uses the same
 * DynamoDbClient bean.
 */
public class KpiTableWriter {

    private final DynamoDbClient dynamoDb;
    private final int maxAttempts;
    private final PipelineMetrics metrics;

    public KpiTableWriter(DynamoDbClient dynamoDb, int maxAttempts, PipelineMetrics metrics) {
        this.dynamoDb = dynamoDb;
        this.maxAttempts = maxAttempts;
        this.metrics = metrics;
    }

    /**
     * The exchange property that, when it holds an AtomicLong, counts the writes sent (a recompute's progress): the
     * split's and multicast's copies of the exchange share the same counter.
     */
    public static final String WRITES_COUNTED = "pipelineKpiWritesCounted";

    public int writeBatch(@Body List<WriteRequest> writes, @Header("kpiTable") String table,
            @ExchangeProperty(WRITES_COUNTED) AtomicLong counted) {
        Map<String, List<WriteRequest>> pending = Map.of(table, writes);
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
                throw new IllegalStateException("Writing KPIs to DynamoDB table " + table + " failed: " + e.getMessage(),
                        e);
            }
            pending = response.hasUnprocessedItems() && !response.unprocessedItems().isEmpty()
                    ? response.unprocessedItems() : Map.of();
        }
        metrics.kpiItemsWritten(table, writes.size());
        if (counted != null) {
            counted.addAndGet(writes.size());
        }
        return writes.size();
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
}
