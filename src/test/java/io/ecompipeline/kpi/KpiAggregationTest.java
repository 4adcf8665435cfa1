package io.ecompipeline.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Date;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** The two aggregation strategies fold rows exactly and round only when publishing (CONTRACT §5). */
class KpiAggregationTest {

    private final DefaultCamelContext context = new DefaultCamelContext();

    private Exchange row(Map<String, Object> body) {
        Exchange e = new DefaultExchange(context);
        e.getMessage().setBody(body);
        return e;
    }

    @Test
    void orderKpisRoundHalfUpFromExactTotals() {
        OrderKpiAggregation strategy = new OrderKpiAggregation();
        Exchange agg = null;
        Date day = Date.valueOf("2025-03-14");
        // three orders whose revenues end in a half cent: 0.005 x 3 = 0.015 -> 0.02 (not 0.01 + 0.01 + 0.01)
        agg = strategy.aggregate(agg, row(Map.of("order_date", day, "order_id", 1L, "user_id", 7L, "returned", true,
                "revenue", new BigDecimal("0.005"), "items", new BigDecimal(1))));
        agg = strategy.aggregate(agg, row(Map.of("order_date", day, "order_id", 2L, "user_id", 7L, "returned", false,
                "revenue", new BigDecimal("0.005"), "items", new BigDecimal(2))));
        agg = strategy.aggregate(agg, row(Map.of("order_date", day, "order_id", 3L, "user_id", 8L, "returned", false,
                "revenue", new BigDecimal("0.005"), "items", new BigDecimal(0))));
        List<OrderKpi> kpis = agg.getMessage().getBody(OrderKpiAggregation.Totals.class).kpis();
        assertThat(kpis).containsExactly(new OrderKpi(day.toLocalDate(), 3, new BigDecimal("0.02"), 3,
                new BigDecimal("0.3333"), 2, 1));
    }

    @Test
    void categoryKpisAverageOverDistinctOrders() {
        CategoryKpiAggregation strategy = new CategoryKpiAggregation();
        Date day = Date.valueOf("2025-03-14");
        Exchange agg = strategy.aggregate(null, row(Map.of("category", "Toys", "order_date", day, "order_id", 1L,
                "returned", true, "revenue", new BigDecimal("10.00"))));
        agg = strategy.aggregate(agg, row(Map.of("category", "Toys", "order_date", day, "order_id", 2L,
                "returned", false, "revenue", new BigDecimal("0.01"))));
        agg = strategy.aggregate(agg, row(Map.of("category", "Toys", "order_date", day, "order_id", 3L,
                "returned", false, "revenue", new BigDecimal("0.005"))));
        agg = strategy.aggregate(agg, row(Map.of("category", "Books", "order_date", day, "order_id", 1L,
                "returned", true, "revenue", new BigDecimal("5"))));
        List<CategoryKpi> kpis = agg.getMessage().getBody(CategoryKpiAggregation.Totals.class).kpis();
        assertThat(kpis).containsExactly(
                new CategoryKpi("Books", day.toLocalDate(), new BigDecimal("5.00"), new BigDecimal("5.00"),
                        new BigDecimal("1.0000"), 1, 1),
                // 10.015 / 3 = 3.338333 -> 3.34; 1 of 3 returned
                new CategoryKpi("Toys", day.toLocalDate(), new BigDecimal("10.02"), new BigDecimal("3.34"),
                        new BigDecimal("0.3333"), 3, 1));
    }
}
