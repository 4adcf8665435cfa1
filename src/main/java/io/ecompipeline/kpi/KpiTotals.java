package io.ecompipeline.kpi;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The totals of a date range from its daily KPI items, and their change against the previous period. Daily rates
 * cannot be added up: the return rate of a range is weighted by each day's orders (a day of 2 orders must not weigh
 * as much as a day of 500), and the average order value is the range's revenue over its orders. Unique customers are
 * per day in OrderKPIs, so a range has no count of distinct customers: it is left out rather than shown wrong.
 */
public final class KpiTotals {

    /** Field names of the shop-wide items (OrderKPIs). */
    public static final Fields ORDERS = new Fields("total_orders", "total_revenue", "return_rate");
    /** Field names of one category's items (CategoryKPIs). */
    public static final Fields CATEGORY = new Fields("orders", "daily_revenue", "avg_return_rate");

    /** Which item fields hold a day's orders, revenue and return rate. */
    public record Fields(String orders, String revenue, String returnRate) {
    }

    private KpiTotals() {
    }

    /**
     * orders, revenue, avg_order_value (null without orders), return_rate (weighted by orders; null without orders)
     * and days_with_data of the items.
     */
    public static Map<String, Object> of(List<Map<String, Object>> items, Fields fields) {
        BigDecimal orders = BigDecimal.ZERO;
        BigDecimal revenue = BigDecimal.ZERO;
        BigDecimal returned = BigDecimal.ZERO;
        for (Map<String, Object> item : items) {
            BigDecimal dayOrders = number(item.get(fields.orders()));
            orders = orders.add(dayOrders);
            revenue = revenue.add(number(item.get(fields.revenue())));
            returned = returned.add(dayOrders.multiply(number(item.get(fields.returnRate()))));
        }
        Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("orders", orders.longValue());
        totals.put("revenue", revenue.setScale(2, RoundingMode.HALF_UP));
        boolean any = orders.signum() > 0;
        totals.put("avg_order_value", any ? revenue.divide(orders, 2, RoundingMode.HALF_UP) : null);
        totals.put("return_rate", any ? returned.divide(orders, 4, RoundingMode.HALF_UP) : null);
        totals.put("days_with_data", items.size());
        return totals;
    }

    /**
     * The change of each total against the previous period: a ratio for orders, revenue and average order value
     * ({@code 0.25} = +25 %; null when the previous period had none), and the difference in points for the return
     * rate ({@code return_rate_points}: 0.01 = one percentage point).
     */
    public static Map<String, Object> change(Map<String, Object> current, Map<String, Object> previous) {
        Map<String, Object> change = new LinkedHashMap<>();
        for (String k : List.of("orders", "revenue", "avg_order_value")) {
            BigDecimal now = nullable(current.get(k));
            BigDecimal before = nullable(previous.get(k));
            change.put(k, now == null || before == null || before.signum() == 0 ? null
                    : now.subtract(before).divide(before, MathContext.DECIMAL64).setScale(4, RoundingMode.HALF_UP));
        }
        BigDecimal now = nullable(current.get("return_rate"));
        BigDecimal before = nullable(previous.get("return_rate"));
        change.put("return_rate_points", now == null || before == null ? null : now.subtract(before));
        return change;
    }

    private static BigDecimal number(Object v) {
        BigDecimal n = nullable(v);
        return n == null ? BigDecimal.ZERO : n;
    }

    private static BigDecimal nullable(Object v) {
        if (v == null) {
            return null;
        }
        return v instanceof BigDecimal b ? b : new BigDecimal(v.toString());
    }
}
