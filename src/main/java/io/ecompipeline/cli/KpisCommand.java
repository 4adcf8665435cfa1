package io.ecompipeline.cli;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.NumberFormat;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ecompipeline.common.Settings;
import io.ecompipeline.common.StartupException;
import io.ecompipeline.infra.AwsClients;
import io.ecompipeline.kpi.KpiReader;
import io.ecompipeline.kpi.KpiTotals;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * {@code kpis --from D --to D [--category C] [--format table|csv|json]}: the published KPIs of a date range, read
 * from DynamoDB by key ({@link KpiReader}: BatchGetItem of OrderKPIs, Query of CategoryKPIs, no scan). It needs
 * DynamoDB only, not the Camel application nor PostgreSQL, so it answers in a second and works against AWS where the
 * database is out of reach. That is also why the shop-wide KPIs are the default and a category is named: the list of
 * categories lives in PostgreSQL ({@code pipeline.category_kpi_keys}; the dashboard shows it). The columns are the
 * dashboard's CSV download's; units as the dashboard shows them in the table.
 */
public final class KpisCommand {

    static final List<String> FORMATS = List.of("table", "csv", "json");
    static final List<String> OPTIONS = List.of("from", "to", "category", "format");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final UnaryOperator<String> setting;
    private final PrintStream out;

    /** {@code setting}: the configuration as the application would resolve it (see {@link Settings#beforeStart}). */
    public KpisCommand(UnaryOperator<String> setting, PrintStream out) {
        this.setting = setting;
        this.out = out;
    }

    /** The options, checked before anything is read: a wrong one is a one-line usage error. */
    public record Query(LocalDate from, LocalDate to, String category, String format) {

        public static Query of(Map<String, String> options) {
            for (String key : options.keySet()) {
                if (!OPTIONS.contains(key)) {
                    throw new UsageException("unknown option --" + key + " for kpis");
                }
            }
            if (options.get("from") == null || options.get("to") == null) {
                throw new UsageException("kpis needs --from DATE and --to DATE (YYYY-MM-DD)");
            }
            LocalDate from = date("from", options.get("from"));
            LocalDate to = date("to", options.get("to"));
            if (from.isAfter(to)) {
                throw new UsageException("--from (" + from + ") is after --to (" + to + ")");
            }
            String format = options.getOrDefault("format", "table");
            if (!FORMATS.contains(format)) {
                throw new UsageException("--format must be table, csv or json, not '" + format + "'");
            }
            String category = options.get("category");
            if (category != null && category.isBlank()) {
                throw new UsageException("--category needs a category name");
            }
            return new Query(from, to, category, format);
        }

        private static LocalDate date(String name, String value) {
            try {
                return LocalDate.parse(value.trim());
            } catch (DateTimeParseException e) {
                throw new UsageException("--" + name + " must be a date as YYYY-MM-DD, not '" + value + "'");
            }
        }
    }

    public int run(Map<String, String> options) throws JsonProcessingException {
        Query query = Query.of(options);
        String orderTable = setting.apply("pipeline.dynamodb.order-kpis-table");
        String categoryTable = setting.apply("pipeline.dynamodb.category-kpis-table");
        String endpoint = Settings.orNull(setting.apply("pipeline.dynamodb.endpoint"));
        AwsClients aws = new AwsClients(setting.apply("pipeline.aws.region"),
                Settings.orNull(setting.apply("pipeline.aws.access-key")), setting.apply("pipeline.aws.secret-key"));
        List<Map<String, Object>> items;
        String table = query.category() == null ? orderTable : categoryTable;
        try (DynamoDbClient dynamoDb = aws.dynamoDb(endpoint)) {
            KpiReader reader = new KpiReader(dynamoDb, orderTable, categoryTable);
            items = query.category() == null ? reader.orderKpis(query.from(), query.to())
                    : reader.categoryKpis(query.from(), query.to(), List.of(query.category()));
        } catch (ResourceNotFoundException e) {
            throw new StartupException("DynamoDB table " + table + " does not exist at "
                    + (endpoint == null ? "AWS" : endpoint) + ": no batch has loaded KPIs there yet", e);
        } catch (SdkException e) {
            throw new StartupException("Cannot read DynamoDB table " + table + " at "
                    + (endpoint == null ? "AWS" : endpoint) + ": " + e.getMessage(), e);
        }
        String currency = setting.apply("pipeline.dashboard.currency");
        List<Row> rows = rows(items, query.category());
        if (rows.isEmpty()) {
            // the message to the person, on stderr: a script reading csv or json gets an empty but valid answer
            System.err.println("No KPIs for " + query.from() + " to " + query.to()
                    + (query.category() == null ? "" : " in category " + query.category()) + " in DynamoDB table "
                    + table + ". Load data with `bin/ecom-pipeline ingest` or files dropped for `run`; or, if the"
                    + " state has orders on those dates, re-derive their KPIs with `bin/ecom-pipeline recompute"
                    + " --from " + query.from() + " --to " + query.to() + "`.");
        }
        Map<String, Object> totals = KpiTotals.of(items,
                query.category() == null ? KpiTotals.ORDERS : KpiTotals.CATEGORY);
        switch (query.format()) {
            case "csv" -> out.print(csv(rows, currency));
            case "json" -> out.println(json(query, currency, rows, totals));
            default -> {
                if (!rows.isEmpty()) {
                    out.print(table(rows, totals, currency));
                }
            }
        }
        out.flush();
        return 0;
    }

    /** One line of the answer: the dashboard CSV's columns (unique customers are per day and shop-wide only). */
    record Row(String orderDate, String category, BigDecimal orders, BigDecimal revenue, BigDecimal returnRate,
            BigDecimal uniqueCustomers) {
    }

    static List<Row> rows(List<Map<String, Object>> items, String category) {
        List<Row> rows = new ArrayList<>();
        for (Map<String, Object> i : items) {
            rows.add(category == null
                    ? new Row((String) i.get("order_date"), "all", n(i.get("total_orders")), n(i.get("total_revenue")),
                            n(i.get("return_rate")), n(i.get("unique_customers")))
                    : new Row((String) i.get("order_date"), (String) i.get("category"), n(i.get("orders")),
                            n(i.get("daily_revenue")), n(i.get("avg_return_rate")), null));
        }
        return rows;
    }

    /** As the dashboard's CSV download: {@code order_date,category,orders,revenue_<CUR>,return_rate,unique_customers}. */
    static String csv(List<Row> rows, String currency) {
        StringBuilder s = new StringBuilder(KpiExport.csvLine(List.of("order_date", "category", "orders",
                "revenue_" + currency, "return_rate", "unique_customers")));
        for (Row r : rows) {
            s.append(KpiExport.csvLine(List.of(r.orderDate(), r.category(), plain(r.orders()), plain(r.revenue()),
                    plain(r.returnRate()), plain(r.uniqueCustomers()))));
        }
        return s.toString();
    }

    static String json(Query query, String currency, List<Row> rows, Map<String, Object> totals)
            throws JsonProcessingException {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("from", query.from().toString());
        answer.put("to", query.to().toString());
        answer.put("category", query.category());
        answer.put("currency", currency);
        List<Map<String, Object>> list = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("order_date", r.orderDate());
            m.put("category", r.category());
            m.put("orders", r.orders());
            m.put("revenue", r.revenue());
            m.put("return_rate", r.returnRate());
            m.put("unique_customers", r.uniqueCustomers());
            list.add(m);
        }
        answer.put("rows", list);
        answer.put("totals", totals);
        return JSON.writeValueAsString(answer);
    }

    /**
     * Aligned columns with units (money in the currency, rates in percent with one decimal, counts with thousands
     * separators), then the range's totals: orders and revenue summed, the return rate weighted by each day's orders,
     * unique customers not added up (a customer of two days would count twice).
     */
    static String table(List<Row> rows, Map<String, Object> totals, String currency) {
        NumberFormat money = NumberFormat.getCurrencyInstance(Locale.US);
        money.setCurrency(Currency.getInstance(currency));
        NumberFormat count = NumberFormat.getIntegerInstance(Locale.US);
        List<String> header = List.of("order_date", "category", "orders", "revenue", "return rate",
                "unique customers");
        List<List<String>> cells = new ArrayList<>();
        for (Row r : rows) {
            cells.add(List.of(r.orderDate(), r.category(), count.format(r.orders()), money.format(r.revenue()),
                    percent(r.returnRate()), r.uniqueCustomers() == null ? "–" : count.format(r.uniqueCustomers())));
        }
        List<String> total = List.of("total", totals.get("days_with_data") + " days",
                count.format(totals.get("orders")), money.format(totals.get("revenue")),
                percent((BigDecimal) totals.get("return_rate")), "–");
        int[] widths = new int[header.size()];
        for (List<String> line : concat(List.of(header, total), cells)) {
            for (int c = 0; c < widths.length; c++) {
                widths[c] = Math.max(widths[c], line.get(c).length());
            }
        }
        StringBuilder rule = new StringBuilder();
        for (int c = 0; c < widths.length; c++) {
            rule.append(c == 0 ? "" : "  ").append("-".repeat(widths[c]));
        }
        StringBuilder s = new StringBuilder();
        line(s, header, widths);
        s.append(rule).append('\n');
        cells.forEach(cellsOfRow -> line(s, cellsOfRow, widths));
        s.append(rule).append('\n');
        line(s, total, widths);
        Object aov = totals.get("avg_order_value");
        s.append("average order value ").append(aov == null ? "–" : money.format(aov))
                .append("; the return rate of the total is weighted by each day's orders\n");
        return s.toString();
    }

    /** Date and category left-aligned, the numbers right-aligned. */
    private static void line(StringBuilder s, List<String> cells, int[] widths) {
        StringBuilder l = new StringBuilder();
        for (int c = 0; c < widths.length; c++) {
            String v = cells.get(c);
            String pad = " ".repeat(widths[c] - v.length());
            l.append(c == 0 ? "" : "  ").append(c < 2 ? v + pad : pad + v);
        }
        s.append(l.toString().stripTrailing()).append('\n');
    }

    private static List<List<String>> concat(List<List<String>> a, List<List<String>> b) {
        List<List<String>> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static String percent(BigDecimal rate) {
        return rate == null ? "–"
                : rate.multiply(BigDecimal.valueOf(100)).setScale(1, RoundingMode.HALF_UP).toPlainString() + " %";
    }

    private static String plain(BigDecimal v) {
        return v == null ? "" : v.toPlainString();
    }

    private static BigDecimal n(Object v) {
        return v == null ? null : v instanceof BigDecimal b ? b : new BigDecimal(v.toString());
    }
}
