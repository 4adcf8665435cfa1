package io.ecompipeline.kpi;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * Folds the per-(category, order) rows of the touched dates (category, order_date, returned, revenue) into the
 * {@code CategoryKPIs} of each category and date. The aggregate's body is a {@link Totals}.
 */
public class CategoryKpiAggregation implements AggregationStrategy {

    /** Exact running totals per category and order date. */
    public static final class Totals {
        private final Map<String, Map<LocalDate, Cell>> cells = new TreeMap<>();

        private static final class Cell {
            long orders;
            long returned;
            BigDecimal revenue = BigDecimal.ZERO;
        }

        void add(Map<?, ?> row) {
            Cell cell = cells.computeIfAbsent((String) row.get("category"), c -> new TreeMap<>())
                    .computeIfAbsent(KpiRows.date(row.get("order_date")), d -> new Cell());
            cell.orders++;
            if (Boolean.TRUE.equals(row.get("returned"))) {
                cell.returned++;
            }
            cell.revenue = cell.revenue.add(KpiRows.decimal(row.get("revenue")));
        }

        public List<CategoryKpi> kpis() {
            List<CategoryKpi> kpis = new ArrayList<>();
            cells.forEach((category, byDate) -> byDate.forEach((date, c) -> kpis.add(new CategoryKpi(category, date,
                    Rounding.money(c.revenue), Rounding.moneyPer(c.revenue, c.orders), Rounding.rate(c.returned, c.orders),
                    c.orders, c.returned))));
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
