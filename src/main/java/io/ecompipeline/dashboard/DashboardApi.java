package io.ecompipeline.dashboard;

import java.sql.SQLException;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.ecompipeline.kpi.KpiTotals;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;

/**
 * The answers of the dashboard's JSON URLs, from their query parameters ({@code from}, {@code to}: YYYY-MM-DD;
 * {@code category}). Every URL resolves the same range the same way (DateRange), so the page's charts, totals and CSV
 * agree; a request it cannot answer throws BadDashboardRequest, which the routes turn into a 400.
 */
public class DashboardApi {

    private final DashboardData data;
    private final OpenBatchStatus openBatch;
    private final int defaultDays;
    private final int maxDays;
    private final String currency;

    public DashboardApi(DashboardData data, OpenBatchStatus openBatch, int defaultDays, int maxDays, String currency) {
        this.data = data;
        this.openBatch = openBatch;
        this.defaultDays = defaultDays;
        this.maxDays = maxDays;
        this.currency = currency;
    }

    /** OrderKPIs items of the range (shop-wide; the category does not apply), oldest first. */
    public List<Map<String, Object>> orderKpis(@Header("from") String from, @Header("to") String to) throws SQLException {
        return data.orderKpis(range(from, to));
    }

    /** CategoryKPIs items of the range, of one category or of all. */
    public List<Map<String, Object>> categoryKpis(@Header("from") String from, @Header("to") String to,
            @Header("category") String category) throws SQLException {
        return data.categoryKpis(range(from, to), categories(category));
    }

    /**
     * What frames the charts: the range and the previous period, the categories, the totals of both periods and
     * their change (of the category when one is chosen), the data's freshness and the open batch.
     */
    public Map<String, Object> summary(@Header("from") String from, @Header("to") String to,
            @Header("category") String category) throws SQLException {
        LocalDate newest = data.newestOrderDate();
        DateRange range = DateRange.of(from, to, newest, defaultDays, maxDays);
        List<String> all = data.categories();
        boolean one = category != null && !category.isBlank();
        List<String> chosen = categories(category, all);
        DateRange previous = range.previous();
        Map<String, Object> current = one ? KpiTotals.of(data.categoryKpis(range, chosen), KpiTotals.CATEGORY)
                : KpiTotals.of(data.orderKpis(range), KpiTotals.ORDERS);
        Map<String, Object> before = one ? KpiTotals.of(data.categoryKpis(previous, chosen), KpiTotals.CATEGORY)
                : KpiTotals.of(data.orderKpis(previous), KpiTotals.ORDERS);

        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("range", period(range));
        summary.put("previous", period(previous));
        summary.put("category", one ? category : null);
        summary.put("categories", all);
        summary.put("currency", currency);
        summary.put("totals", current);
        summary.put("previous_totals", before);
        summary.put("change", KpiTotals.change(current, before));
        Map<String, Object> freshness = new LinkedHashMap<>();
        freshness.put("newest_order_date", newest == null ? null : newest.toString());
        freshness.put("last_batch_finished", data.lastBatchFinished());
        summary.put("freshness", freshness);
        summary.put("open_batch", openBatch.openBatch());
        return summary;
    }

    /** The body of a 400: {@code {"error": message}}. */
    public Map<String, Object> badRequest(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception e) {
        return Map.of("error", String.valueOf(e.getMessage()));
    }

    private DateRange range(String from, String to) throws SQLException {
        // the newest order date is needed only for a default end
        LocalDate newest = to == null || to.isBlank() ? data.newestOrderDate() : null;
        return DateRange.of(from, to, newest, defaultDays, maxDays);
    }

    private List<String> categories(String category) throws SQLException {
        return categories(category, data.categories());
    }

    private static List<String> categories(String category, List<String> all) {
        if (category == null || category.isBlank()) {
            return all;
        }
        if (!all.contains(category)) {
            throw new BadDashboardRequest("no category '" + category + "' (there are: " + String.join(", ", all) + ")");
        }
        return List.of(category);
    }

    private static Map<String, Object> period(DateRange r) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("from", r.from().toString());
        p.put("to", r.to().toString());
        p.put("days", r.days());
        return p;
    }
}
