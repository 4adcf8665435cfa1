package io.ecompipeline.kpi;

import java.math.BigDecimal;
import java.time.LocalDate;

/** One item of {@code OrderKPIs}: the KPIs of one order date (docs/contract.md §5), rounded for publication. */
public record OrderKpi(LocalDate orderDate, long totalOrders, BigDecimal totalRevenue, long totalItemsSold,
        BigDecimal returnRate, long uniqueCustomers, long returnedOrders) {
}
