package io.ecompipeline.kpi;

import java.math.BigDecimal;
import java.time.LocalDate;

/** One item of {@code CategoryKPIs}: the KPIs of one category on one order date (docs/contract.md §5). */
public record CategoryKpi(String category, LocalDate orderDate, BigDecimal dailyRevenue, BigDecimal avgOrderValue,
        BigDecimal avgReturnRate, long orders, long returnedOrders) {
}
