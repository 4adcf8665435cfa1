package io.ecompipeline.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import io.ecompipeline.kpi.KpiTotals;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's date ranges (defaults, bounds, the previous period) and totals (orders-weighted return rate, change
 * against the previous period), without servers.
 */
@Tag("unit")
class DateRangeTotalsTest {

    private static final LocalDate NEWEST = LocalDate.parse("2024-03-03");

    @Test
    void aMissingRangeIsTheLastDaysUpToTheNewestOrderDate() {
        assertThat(DateRange.of(null, "", NEWEST, 7, 1096))
                .isEqualTo(new DateRange(LocalDate.parse("2024-02-26"), NEWEST));
        assertThat(DateRange.of("2024-03-01", null, NEWEST, 7, 1096).to()).isEqualTo(NEWEST);
        assertThat(DateRange.of(null, "2024-01-10", NEWEST, 10, 1096).from()).isEqualTo(LocalDate.parse("2024-01-01"));
        assertThat(DateRange.of(null, null, null, 1, 1096).days()).isEqualTo(1);
    }

    @Test
    void thePreviousPeriodHasTheSameLengthJustBefore() {
        DateRange march = DateRange.of("2024-03-01", "2024-03-31", NEWEST, 7, 1096);
        assertThat(march.days()).isEqualTo(31);
        assertThat(march.previous()).isEqualTo(new DateRange(LocalDate.parse("2024-01-30"), LocalDate.parse("2024-02-29")));
        assertThat(march.dates()).hasSize(31).startsWith(LocalDate.parse("2024-03-01"))
                .endsWith(LocalDate.parse("2024-03-31"));
    }

    @Test
    void badRangesAreRefusedWithWhatToFix() {
        assertThatThrownBy(() -> DateRange.of("2024-13-01", null, NEWEST, 7, 1096))
                .isInstanceOf(BadDashboardRequest.class).hasMessage("from must be a date as YYYY-MM-DD, not '2024-13-01'");
        assertThatThrownBy(() -> DateRange.of("2024-03-02", "2024-03-01", NEWEST, 7, 1096))
                .isInstanceOf(BadDashboardRequest.class).hasMessage("from (2024-03-02) is after to (2024-03-01)");
        assertThatThrownBy(() -> DateRange.of("2020-01-01", "2024-01-01", NEWEST, 7, 1096))
                .isInstanceOf(BadDashboardRequest.class).hasMessageContaining("has 1462 days; at most 1096");
        assertThat(DateRange.of("2021-01-02", "2024-01-01", NEWEST, 7, 1096).days()).isEqualTo(1095);
    }

    @Test
    void totalsWeighTheReturnRateByOrdersAndCompareWithThePreviousPeriod() {
        List<Map<String, Object>> now = List.of(
                Map.of("total_orders", new BigDecimal("2"), "total_revenue", new BigDecimal("50"),
                        "return_rate", new BigDecimal("0.5")),
                Map.of("total_orders", new BigDecimal("8"), "total_revenue", new BigDecimal("150.5"),
                        "return_rate", new BigDecimal("0")));
        Map<String, Object> current = KpiTotals.of(now, KpiTotals.ORDERS);
        assertThat(current).containsEntry("orders", 10L).containsEntry("revenue", new BigDecimal("200.50"))
                .containsEntry("avg_order_value", new BigDecimal("20.05"))
                .containsEntry("return_rate", new BigDecimal("0.1000")).containsEntry("days_with_data", 2);

        Map<String, Object> previous = KpiTotals.of(List.of(Map.of("orders", new BigDecimal("8"),
                "daily_revenue", new BigDecimal("160.4"), "avg_return_rate", new BigDecimal("0.25"))), KpiTotals.CATEGORY);
        Map<String, Object> change = KpiTotals.change(current, previous);
        assertThat(change.get("orders")).isEqualTo(new BigDecimal("0.2500"));
        assertThat(change.get("revenue")).isEqualTo(new BigDecimal("0.2500"));
        assertThat(change.get("return_rate_points")).isEqualTo(new BigDecimal("-0.1500"));

        Map<String, Object> empty = KpiTotals.of(List.of(), KpiTotals.ORDERS);
        assertThat(empty).containsEntry("orders", 0L).containsEntry("return_rate", null);
        assertThat(KpiTotals.change(current, empty)).containsEntry("orders", null).containsEntry("revenue", null)
                .containsEntry("return_rate_points", null);
    }
}
