package io.ecompipeline.kpi;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * Folds the per-order rows of the touched dates (one split message each: order_date, user_id, returned, revenue,
 * items) into the {@code OrderKPIs} of each date. The aggregate's body is a {@link Totals}.
 */
public class OrderKpiAggregation implements AggregationStrategy {

    /** Exact running totals per order date. */
    public static final class Totals {
        private final Map<LocalDate, Day> days = new TreeMap<>();

        private static final class Day {
            long orders;
            long returned;
            long items;
            BigDecimal revenue = BigDecimal.ZERO;
            final Set<Long> customers = new HashSet<>();
        }

        void add(Map<?, ?> row) {
            Day day = days.computeIfAbsent(KpiRows.date(row.get("order_date")), d -> new Day());
            day.orders++;
            if (Boolean.TRUE.equals(row.get("returned"))) {
                day.returned++;
            }
            day.revenue = day.revenue.add(KpiRows.decimal(row.get("revenue")));
            day.items += KpiRows.decimal(row.get("items")).longValueExact();
            day.customers.add(((Number) row.get("user_id")).longValue());
        }

        public List<OrderKpi> kpis() {
            List<OrderKpi> kpis = new ArrayList<>();
            days.forEach((date, d) -> kpis.add(new OrderKpi(date, d.orders, Rounding.money(d.revenue), d.items,
                    Rounding.rate(d.returned, d.orders), d.customers.size(), d.returned)));
            return kpis;
        }
    }

    @Override
    public Exchange aggregate(Exchange aggregate, Exchange row) {
        Totals totals = aggregate == null ? new Totals() : aggregate.getMessage().getBody(Totals.class);
        totals.add(row.getMessage().getBody(Map.class));
        Exchange result = aggregate == null ? row : aggregate;
        result.getMessage().setBody(totals);
        return result;
    }
}
