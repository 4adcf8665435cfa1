package io.ecompipeline.kpi;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * Reads the KPI items of a date range by key: BatchGetItem of the range's dates for OrderKPIs, one Query per category
 * for CategoryKPIs, never a table scan, so a read costs the same on a table of ten years. Shared by the dashboard
 * (which adds PostgreSQL's category list and S3's reports) and the {@code kpis} command (which may have only
 * DynamoDB). Items come back as plain maps of the named fields, numbers as BigDecimal.
 */
public class KpiReader {

    /** BatchGetItem takes at most 100 keys a request. */
    public static final int BATCH_GET_KEYS = 100;
    public static final List<String> ORDER_FIELDS = List.of("order_date", "total_orders", "total_revenue",
            "return_rate", "unique_customers", "returned_orders", "total_items_sold", "batch_id");
    public static final List<String> CATEGORY_FIELDS = List.of("category", "order_date", "daily_revenue",
            "avg_order_value", "avg_return_rate", "orders", "batch_id");

    private final DynamoDbClient dynamoDb;
    private final String orderTable;
    private final String categoryTable;

    public KpiReader(DynamoDbClient dynamoDb, String orderTable, String categoryTable) {
        this.dynamoDb = dynamoDb;
        this.orderTable = orderTable;
        this.categoryTable = categoryTable;
    }

    /**
     * OrderKPIs items of the dates {@code from} to {@code to} (both included), oldest first: BatchGetItem of the dates
     * (at most 100 keys a request, and again for any keys DynamoDB left unprocessed).
     */
    public List<Map<String, Object>> orderKpis(LocalDate from, LocalDate to) {
        List<Map<String, Object>> rows = new ArrayList<>();
        List<LocalDate> dates = from.datesUntil(to.plusDays(1)).toList();
        for (int i = 0; i < dates.size(); i += BATCH_GET_KEYS) {
            List<Map<String, AttributeValue>> keys = dates.subList(i, Math.min(dates.size(), i + BATCH_GET_KEYS))
                    .stream().map(d -> Map.of("order_date", AttributeValue.fromS(d.toString()))).toList();
            Map<String, KeysAndAttributes> request = Map.of(orderTable, KeysAndAttributes.builder().keys(keys).build());
            while (!request.isEmpty()) {
                Map<String, KeysAndAttributes> ask = request;
                BatchGetItemResponse response = dynamoDb.batchGetItem(b -> b.requestItems(ask));
                response.responses().getOrDefault(orderTable, List.of())
                        .forEach(item -> rows.add(row(item, ORDER_FIELDS)));
                request = response.unprocessedKeys();
            }
        }
        rows.sort(Comparator.comparing(r -> String.valueOf(r.get("order_date"))));
        return rows;
    }

    /**
     * CategoryKPIs items of the range, by category (in the order given) then date: one Query per category
     * ({@code category} = C and {@code order_date} between the range's ends).
     */
    public List<Map<String, Object>> categoryKpis(LocalDate from, LocalDate to, List<String> categories) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String category : categories) {
            dynamoDb.queryPaginator(b -> b.tableName(categoryTable)
                    .keyConditionExpression("category = :c AND order_date BETWEEN :f AND :t")
                    .expressionAttributeValues(Map.of(":c", AttributeValue.fromS(category),
                            ":f", AttributeValue.fromS(from.toString()),
                            ":t", AttributeValue.fromS(to.toString()))))
                    .items().forEach(item -> rows.add(row(item, CATEGORY_FIELDS)));
        }
        return rows;
    }

    private static Map<String, Object> row(Map<String, AttributeValue> item, List<String> fields) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (String f : fields) {
            row.put(f, value(item.get(f)));
        }
        return row;
    }

    private static Object value(AttributeValue v) {
        if (v == null) {
            return null;
        }
        return v.n() != null ? new BigDecimal(v.n()) : v.s();
    }
}
