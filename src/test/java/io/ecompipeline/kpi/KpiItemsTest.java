package io.ecompipeline.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The folding of the KPI queries' rows into DynamoDB items (docs/contract.md §5) without a database: a row's exact sums and
 * counts become the rounded KPIs whatever JDBC type they come as, and the OrderKPIs writes of a batch are a full item
 * per date with orders plus a delete for each touched date that has none left.
 */
@Tag("unit")
class KpiItemsTest {

    @Test
    void anOrderRowBecomesTheRoundedKpisOfItsDate() {
        OrderKpi k = KpiItems.orderKpi(Map.of("order_date", Date.valueOf("2025-01-02"), "total_orders", 3L,
                "total_revenue", new BigDecimal("100.005"), "total_items_sold", new BigDecimal("7"),
                "returned_orders", 1L, "unique_customers", 2L));
        assertThat(k).isEqualTo(new OrderKpi(LocalDate.of(2025, 1, 2), 3, new BigDecimal("100.01"), 7,
                new BigDecimal("0.3333"), 2, 1));
    }

    @Test
    void rowValuesAreReadWhateverNumberAndDateTypeTheDriverGives() {
        OrderKpi fromOtherTypes = KpiItems.orderKpi(Map.of("order_date", "2025-01-02", "total_orders", 4,
                "total_revenue", 12.5, "total_items_sold", 9L, "returned_orders", 0, "unique_customers", 4));
        assertThat(fromOtherTypes).isEqualTo(new OrderKpi(LocalDate.of(2025, 1, 2), 4, new BigDecimal("12.50"), 9,
                new BigDecimal("0.0000"), 4, 0));
        assertThat(KpiItems.orderKpi(Map.of("order_date", LocalDate.of(2025, 1, 3), "total_orders", 1L,
                "total_revenue", BigDecimal.ONE, "total_items_sold", BigDecimal.ONE, "returned_orders", 1L,
                "unique_customers", 1L)).orderDate()).isEqualTo(LocalDate.of(2025, 1, 3));
    }

    @Test
    void aCategoryRowAveragesFromItsExactRevenue() {
        CategoryKpi k = KpiItems.categoryKpi(Map.of("category", "Books", "order_date", Date.valueOf("2025-01-02"),
                "daily_revenue", new BigDecimal("2.0098"), "orders", 2L, "returned_orders", 1L));
        assertThat(k).isEqualTo(new CategoryKpi("Books", LocalDate.of(2025, 1, 2), new BigDecimal("2.01"),
                new BigDecimal("1.00"), new BigDecimal("0.5000"), 2, 1));
    }

    @Test
    void orderWritesPutEachDateWithOrdersAndDeleteTouchedDatesWithoutAny() {
        List<Map<String, Object>> rows = List.of(Map.of("order_date", Date.valueOf("2025-01-01"), "total_orders", 2L,
                "total_revenue", new BigDecimal("30"), "total_items_sold", new BigDecimal("3"), "returned_orders", 1L,
                "unique_customers", 2L));
        List<WriteRequest> writes = new KpiItems(null).orderWrites(rows,
                List.of(Date.valueOf("2025-01-01"), Date.valueOf("2025-01-05")), "batch-1");

        assertThat(writes).hasSize(2);
        Map<String, AttributeValue> item = writes.get(0).putRequest().item();
        assertThat(item).containsEntry("order_date", s("2025-01-01")).containsEntry("total_orders", n("2"))
                .containsEntry("total_revenue", n("30.00")).containsEntry("total_items_sold", n("3"))
                .containsEntry("return_rate", n("0.5000")).containsEntry("unique_customers", n("2"))
                .containsEntry("returned_orders", n("1")).containsEntry("batch_id", s("batch-1"))
                .containsKey("updated_at");
        assertThat(writes.get(1).putRequest()).isNull();
        assertThat(writes.get(1).deleteRequest().key()).isEqualTo(Map.of("order_date", s("2025-01-05")));
    }

    @Test
    void aBatchWithoutRowsDeletesEveryTouchedDateAndOneWithoutTouchedDatesWritesNothing() {
        assertThat(new KpiItems(null).orderWrites(List.of(), List.of(Date.valueOf("2025-01-01")), "b"))
                .singleElement().satisfies(w -> assertThat(w.deleteRequest().key())
                        .isEqualTo(Map.of("order_date", s("2025-01-01"))));
        assertThat(new KpiItems(null).orderWrites(List.of(), List.of(), "b")).isEmpty();
    }

    private static AttributeValue s(String value) {
        return AttributeValue.builder().s(value).build();
    }

    private static AttributeValue n(String value) {
        return AttributeValue.builder().n(value).build();
    }
}
