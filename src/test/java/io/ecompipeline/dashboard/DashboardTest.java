package io.ecompipeline.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecompipeline.cli.PipelineApp;
import io.ecompipeline.support.TestPipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The KPI dashboard in headless Chromium: a real batch (with a rejected row) goes through the pipeline, known KPI
 * items are put into DynamoDB beside the ones it wrote (with their keys in the state, as the pipeline keeps them), and
 * the page must show exactly those values: on a time axis with the days without data as gaps, the totals of the range
 * and their change against the previous period, and after choosing a range and a category in its filters, the same
 * view again when its URL is reloaded. The JSON API answers bad ranges with a 400, and serves the rejected rows the
 * page links to. A shop without data shows how to load some. No console error anywhere. Screenshots stay in
 * {@code target/screenshots/}: {@code dashboard.png} (the default view), {@code dashboard-filtered.png} (one category
 * over two days) and {@code dashboard-empty.png} (the empty state).
 */
class DashboardTest {

    private static final Path BROWSER_DIR = Path.of("src/test/browser");
    private static final Path SCREENSHOTS = Path.of("target/screenshots");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** 2024-02-28 and 02-29 have no OrderKPIs: the lines get a null point after 02-27, so they break there. */
    private static final String GAP = "2024-02-28=null";

    @TempDir
    Path work;

    @Test
    void chartsTotalsAndFiltersShowTheKpisInDynamoDb() throws Exception {
        Path in = Files.createDirectories(work.resolve("in"));
        Files.writeString(in.resolve("products.csv"), "product_id,category,name,price\n1,Books,Dune,10.00\n2,Toys,Ball,20.00\n");
        Files.writeString(in.resolve("orders_1.csv"), "order_id,user_id,order_date,total_amount,status\n"
                + "1,100,2024-03-01,30.00,delivered\n2,101,2024-03-01,20.00,returned\n3,102,not-a-date,5.00,delivered\n");
        Files.writeString(in.resolve("order_items_1.csv"),
                "order_id,product_id,quantity,unit_price\n1,1,1,10.00\n1,2,1,20.00\n2,2,1,20.00\n");
        // quarantined whole: no order_date column
        Files.writeString(in.resolve("orders_2.csv"), "order_id,user_id,total_amount,status\n7,100,5.00,delivered\n");

        JsonNode result;
        String batchId;
        String base;
        try (TestPipeline pipeline = TestPipeline.fresh(Map.of("camel.server.enabled", "true",
                "camel.server.port", "0", "pipeline.dashboard.days", "7"))) {
            // port 0: the server takes a free port; the app tells which
            String dashboard = PipelineApp.dashboardUrl(pipeline.app().context());
            assertThat(dashboard).matches("http://127\\.0\\.0\\.1:[1-9]\\d*/dashboard");
            base = dashboard.substring(0, dashboard.length() - "/dashboard".length());
            assertThat(pipeline.ingest(in, work.resolve("out"))).isZero();
            batchId = pipeline.objects().keySet().stream().filter(k -> k.startsWith("reports/")).findFirst()
                    .orElseThrow().replaceAll("^reports/|\\.json$", "");

            // the batch wrote 2024-03-01; the test adds days around it, a gap (02-28, 02-29) and a previous period
            DynamoDbClient ddb = pipeline.bean("dynamoDbClient", DynamoDbClient.class);
            putOrderKpis(ddb, "2024-02-20", "5", "50", "0.2", "5");
            putOrderKpis(ddb, "2024-02-27", "4", "40", "0.25", "4");
            putOrderKpis(ddb, "2024-03-02", "7", "123.45", "0.1429", "6");
            putOrderKpis(ddb, "2024-03-03", "3", "99.9", "0", "3");
            putOrderKpis(ddb, "2023-01-01", "9", "900", "0", "9"); // outside every range shown
            putCategoryKpi(pipeline, ddb, "Books", "2024-03-02", "23.45", "3");
            putCategoryKpi(pipeline, ddb, "Toys", "2024-03-02", "100", "4");
            putCategoryKpi(pipeline, ddb, "Garden", "2024-03-03", "99.9", "3");
            // the newest order date is the state's (pipeline.orders), not DynamoDB's
            pipeline.sql("INSERT INTO pipeline.orders (order_id, user_id, order_date, total_amount, status, returned,"
                    + " batch_id) VALUES (99, 1, '2024-03-03', 1, 'delivered', false, 'put-by-test')");

            assertApi(base);

            result = openInChromium(base + "/dashboard", "dashboard.png",
                    "{\"from\":\"2024-03-02\",\"to\":\"2024-03-03\",\"category\":\"Books\"}");

            // the quarantined file with its reason; the link to the rejected rows works (served by the app, not S3)
            JsonNode quarantined = result.get("initial").get("quarantined");
            assertThat(quarantined).hasSize(2);
            assertThat(strings(quarantined.get(0).get("cells"))).startsWith(batchId, "incoming/orders_2.csv",
                    "quarantined");
            assertThat(quarantined.get(0).get("cells").get(3).asText()).startsWith("missing_column: ")
                    .contains("order_date");
            JsonNode link = quarantined.get(1);
            assertThat(strings(link.get("cells"))).startsWith(batchId, "incoming/orders_1.csv", "archived",
                    "1 row(s) rejected");
            String href = link.get("links").get(0).asText();
            assertThat(href).startsWith(base + "/dashboard/api/rejected-rows?key=rejected%2F");
            HttpResponse<String> rows = get(href);
            assertThat(rows.statusCode()).isEqualTo(200);
            assertThat(rows.body()).contains("not-a-date");
        }

        assertThat(result.get("consoleErrors")).as("console errors").isEmpty();
        assertThat(result.get("pageErrors")).as("page errors").isEmpty();
        assertThat(result.get("failedRequests")).as("failed requests").isEmpty();

        // the default view: the last 7 days up to the newest order date, against the 7 days before
        JsonNode page = result.get("initial");
        assertThat(page.get("error").isNull()).as("dashboard error %s", page.get("error")).isTrue();
        assertThat(page.get("chartJsVersion").asText()).isEqualTo(DashboardAssets.chartJsVersion());
        page.get("scripts").forEach(src -> assertThat(src.asText()).startsWith(base + "/"));
        assertThat(page.get("url").asText()).isEqualTo(base + "/dashboard");
        assertThat(page.get("filters").get("from").asText()).isEqualTo("2024-02-26");
        assertThat(page.get("filters").get("to").asText()).isEqualTo("2024-03-03");
        assertThat(strings(page.get("filters").get("categories"))).containsExactly("", "Books", "Garden", "Toys");
        assertThat(page.get("freshness").asText()).startsWith("Data up to 2024-03-03 (newest order date) · last batch"
                + " finished 20").contains(" UTC (");
        assertThat(page.get("openBatch").asText()).startsWith("No batch is being collected");
        assertThat(page.get("emptyShown").asBoolean()).isFalse();

        JsonNode charts = page.get("charts");
        for (String chart : List.of("categoryRevenue", "orders", "revenue", "returnRate")) {
            assertThat(charts.get(chart).get("xType").asText()).as(chart).isEqualTo("linear");
            // half a day of margin on each side, so the first and last days' points are whole
            assertThat(charts.get(chart).get("xMin").asDouble()).as(chart).isEqualTo(day("2024-02-26") - 0.5);
            assertThat(charts.get(chart).get("xMax").asDouble()).as(chart).isEqualTo(day("2024-03-03") + 0.5);
            charts.get(chart).get("datasets").forEach(d -> assertThat(d.get("spanGaps").asBoolean()).isFalse());
            assertThat(strings(charts.get(chart).get("xTicks"))).as(chart).containsExactly("2024-02-26", "2024-02-27",
                    "2024-02-28", "2024-02-29", "2024-03-01", "2024-03-02", "2024-03-03");
        }
        // 2024-03-01 comes from the batch: order 1 (Books 10 + Toys 20), order 2 returned (Toys 20)
        assertThat(points(charts.get("categoryRevenue"))).containsExactlyEntriesOf(ordered(
                "Books", List.of(p("2024-03-01", 10.0), p("2024-03-02", 23.45)),
                "Garden", List.of(p("2024-03-03", 99.9)),
                "Toys", List.of(p("2024-03-01", 40.0), p("2024-03-02", 100.0))));
        assertThat(points(charts.get("orders"))).containsExactlyEntriesOf(ordered(
                "orders", List.of(p("2024-02-27", 4.0), GAP, p("2024-03-01", 2.0), p("2024-03-02", 7.0),
                        p("2024-03-03", 3.0)),
                "unique customers", List.of(p("2024-02-27", 4.0), GAP, p("2024-03-01", 2.0), p("2024-03-02", 6.0),
                        p("2024-03-03", 3.0))));
        assertThat(points(charts.get("revenue")).get("revenue")).isEqualTo(List.of(p("2024-02-27", 40.0), GAP,
                p("2024-03-01", 50.0), p("2024-03-02", 123.45), p("2024-03-03", 99.9)));
        assertThat(points(charts.get("returnRate")).get("return rate")).isEqualTo(List.of(p("2024-02-27", 0.25), GAP,
                p("2024-03-01", 0.5), p("2024-03-02", 0.1429), p("2024-03-03", 0.0)));

        // totals: 16 orders, 313.35; return rate weighted by orders (1 + 1 + 1.0003) / 16; previous: 02-20 only
        JsonNode summary = page.get("summary");
        assertThat(summary.get("previous").toString()).isEqualTo("{\"from\":\"2024-02-19\",\"to\":\"2024-02-25\",\"days\":7}");
        assertThat(summary.get("totals").get("return_rate").decimalValue()).isEqualByComparingTo("0.1875");
        assertThat(summary.get("change").get("return_rate_points").decimalValue()).isEqualByComparingTo("-0.0125");
        JsonNode totals = page.get("totals");
        assertThat(totals.get("orders").get("value").asText()).isEqualTo("16");
        assertThat(totals.get("orders").get("change").asText()).isEqualTo("▲ +220.0 % vs 2024-02-19 – 2024-02-25");
        assertThat(totals.get("revenue").get("value").asText()).isEqualTo("$313.35");
        assertThat(totals.get("revenue").get("change").asText()).startsWith("▲ +526.7 %");
        assertThat(totals.get("avg_order_value").get("value").asText()).isEqualTo("$19.58");
        assertThat(totals.get("return_rate").get("value").asText()).isEqualTo("18.8 %");
        assertThat(totals.get("return_rate").get("change").asText()).startsWith("▼ -1.").contains(" pts vs ");
        totals.forEach(t -> assertThat(t.get("meaning").asText()).isNotBlank());

        // the CSV is what the view shows
        assertThat(page.get("csv").asText()).startsWith("order_date,category,orders,revenue_USD,return_rate,"
                + "unique_customers\n2024-02-27,all,4,40,0.25,4\n").contains("\n2024-03-02,all,7,123.45,0.1429,6\n",
                "\n2024-03-03,Garden,3,99.9,0,\n").doesNotContain("2023-01-01", "2024-02-20");

        // the batch and its quality report: 8 rows read, one rejected for its date
        assertThat(strings(charts.get("batchRejected").get("labels"))).containsExactly(batchId);
        assertThat(page.get("batches")).hasSize(1);
        // batch, status, first file, files 4, archived 3, quarantined 1, rows read, accepted 7, rejected, reasons, dates
        List<String> batchRow = strings(page.get("batches").get(0));
        assertThat(batchRow).startsWith(batchId, "finished").contains("invalid_order_date: 1", "2024-03-01");
        assertThat(batchRow.subList(3, 6)).containsExactly("4", "3", "1");
        assertThat(batchRow.get(7)).isEqualTo("7");
        assertThat(charts.get("batchRejected").get("datasets").get(0).get("data").get(0).asText())
                .isEqualTo(batchRow.get(8));

        // the filters: Books over 2024-03-02..03; the URL says so, the charts and totals follow
        JsonNode filtered = result.get("filtered");
        assertThat(filtered.get("url").asText()).isEqualTo(base + "/dashboard?from=2024-03-02&to=2024-03-03&category=Books");
        assertThat(points(filtered.get("charts").get("categoryRevenue"))).containsExactlyEntriesOf(ordered(
                "Books", List.of(p("2024-03-02", 23.45))));
        assertThat(points(filtered.get("charts").get("revenue")).get("revenue")).isEqualTo(List.of(p("2024-03-02", 23.45)));
        assertThat(points(filtered.get("charts").get("orders"))).containsOnlyKeys("orders");
        assertThat(filtered.get("charts").get("orders").get("xMin").asDouble()).isEqualTo(day("2024-03-02") - 0.5);
        // against 2024-02-29..03-01: Books 10.00 from 1 order
        assertThat(filtered.get("totals").get("revenue").get("value").asText()).isEqualTo("$23.45");
        assertThat(filtered.get("totals").get("revenue").get("change").asText())
                .isEqualTo("▲ +134.5 % vs 2024-02-29 – 2024-03-01");
        assertThat(filtered.get("totals").get("orders").get("value").asText()).isEqualTo("3");
        assertThat(filtered.get("totals").get("orders").get("change").asText()).startsWith("▲ +200.0 %");
        assertThat(filtered.get("csv").asText()).isEqualTo("order_date,category,orders,revenue_USD,return_rate,"
                + "unique_customers\n2024-03-02,Books,3,23.45,0,\n");

        // reloading the shared URL shows the same view
        JsonNode reloaded = result.get("reloaded");
        assertThat(reloaded.get("url")).isEqualTo(filtered.get("url"));
        assertThat(reloaded.get("charts")).isEqualTo(filtered.get("charts"));
        assertThat(reloaded.get("totals")).isEqualTo(filtered.get("totals"));
        assertThat(reloaded.get("filters")).isEqualTo(filtered.get("filters"));

        for (String shot : List.of("dashboard.png", "dashboard-filtered.png")) {
            assertThat(SCREENSHOTS.resolve(shot)).exists();
            assertThat(Files.size(SCREENSHOTS.resolve(shot))).as(shot + " bytes").isGreaterThan(20_000);
        }
    }

    @Test
    void anEmptyShopSaysHowToLoadData() throws Exception {
        JsonNode result;
        try (TestPipeline pipeline = TestPipeline.fresh(Map.of("camel.server.enabled", "true",
                "camel.server.port", "0"))) {
            result = openInChromium(PipelineApp.dashboardUrl(pipeline.app().context()), "dashboard-empty.png", null);
        }
        assertThat(result.get("consoleErrors")).as("console errors").isEmpty();
        assertThat(result.get("pageErrors")).as("page errors").isEmpty();
        assertThat(result.get("failedRequests")).as("failed requests").isEmpty();
        JsonNode page = result.get("initial");
        assertThat(page.get("error").isNull()).as("dashboard error %s", page.get("error")).isTrue();
        assertThat(page.get("emptyShown").asBoolean()).isTrue();
        assertThat(page.get("emptyText").asText()).contains("aws --endpoint-url http://127.0.0.1:9871 s3 cp",
                "s3://ecommerce-data/incoming/");
        assertThat(page.get("chartsShown").asInt()).as("charts shown").isZero();
        assertThat(page.get("freshness").asText()).isEqualTo("No orders processed yet");
        assertThat(page.get("csv").asText()).isEqualTo("order_date,category,orders,revenue_USD,return_rate,"
                + "unique_customers\n");
    }

    /** The JSON API: ranges and categories as asked, a 400 that says what to fix, rejected rows only under rejected/. */
    private static void assertApi(String base) throws Exception {
        String api = base + "/dashboard/api/";
        HttpResponse<String> unknown = get(base + "/dashboard/assets/..%2Fapplication.properties");
        assertThat(unknown.statusCode()).isEqualTo(404);

        JsonNode orders = JSON.readTree(get(api + "order-kpis?from=2024-03-02&to=2024-03-03").body());
        assertThat(orders).hasSize(2);
        assertThat(orders.get(0).get("order_date").asText()).isEqualTo("2024-03-02");
        JsonNode toys = JSON.readTree(get(api + "category-kpis?from=2024-03-01&to=2024-03-31&category=Toys").body());
        assertThat(toys).hasSize(2);
        toys.forEach(r -> assertThat(r.get("category").asText()).isEqualTo("Toys"));

        for (String[] bad : new String[][] {
                {"order-kpis?from=2024-02-30", "from must be a date as YYYY-MM-DD, not '2024-02-30'"},
                {"summary?from=2020-01-01&to=2024-01-01", "the range 2020-01-01..2024-01-01 has 1462 days; at most 1096"},
                {"category-kpis?from=2024-03-03&to=2024-03-01", "from (2024-03-03) is after to (2024-03-01)"},
                {"category-kpis?category=Nope", "no category 'Nope' (there are: Books, Garden, Toys)"}}) {
            HttpResponse<String> answer = get(api + bad[0]);
            assertThat(answer.statusCode()).as(bad[0]).isEqualTo(400);
            assertThat(JSON.readTree(answer.body()).get("error").asText()).as(bad[0]).startsWith(bad[1]);
        }
        assertThat(get(api + "rejected-rows?key=reports%2Fx.json").statusCode()).isEqualTo(400);
        assertThat(get(api + "rejected-rows?key=rejected%2Fnone.csv").statusCode()).isEqualTo(404);
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void putOrderKpis(DynamoDbClient ddb, String date, String orders, String revenue, String returnRate,
            String customers) {
        ddb.putItem(b -> b.tableName("OrderKPIs").item(Map.of("order_date", s(date), "total_orders", n(orders),
                "total_revenue", n(revenue), "return_rate", n(returnRate), "unique_customers", n(customers),
                "batch_id", s("put-by-test"))));
    }

    /** A CategoryKPIs item, and its key in the state (pipeline.category_kpi_keys), as the pipeline writes both. */
    private static void putCategoryKpi(TestPipeline pipeline, DynamoDbClient ddb, String category, String date,
            String revenue, String orders) throws java.sql.SQLException {
        ddb.putItem(b -> b.tableName("CategoryKPIs").item(Map.of("category", s(category), "order_date", s(date),
                "daily_revenue", n(revenue), "avg_order_value", n(revenue), "avg_return_rate", n("0"),
                "orders", n(orders), "batch_id", s("put-by-test"))));
        pipeline.sql("INSERT INTO pipeline.category_kpi_keys (category, order_date) VALUES ('" + category + "', '"
                + date + "')");
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    private static AttributeValue n(String v) {
        return AttributeValue.fromN(v);
    }

    /** Runs src/test/browser/dashboard-check.mjs (headless Chromium) on the page; returns what it printed. */
    private static JsonNode openInChromium(String url, String screenshot, String filter)
            throws IOException, InterruptedException {
        assertThat(Path.of(System.getenv().getOrDefault("CHROMIUM_PATH", "/usr/bin/chromium")))
                .as("Chromium (install it with: apt-get install -y chromium)").exists();
        Path shot = Files.createDirectories(SCREENSHOTS).resolve(screenshot).toAbsolutePath();
        Files.deleteIfExists(shot);
        Files.deleteIfExists(Path.of(shot.toString().replace(".png", "-filtered.png")));
        List<String> command = new ArrayList<>(List.of("node", "dashboard-check.mjs", url, shot.toString()));
        if (filter != null) {
            command.add(filter);
        }
        Path stderr = Files.createTempFile("dashboard-check", ".log");
        Process node = new ProcessBuilder(command).directory(BROWSER_DIR.toFile()).redirectError(stderr.toFile()).start();
        byte[] out = node.getInputStream().readAllBytes();
        boolean ended = node.waitFor(2, TimeUnit.MINUTES);
        if (!ended) {
            node.destroyForcibly();
        }
        String errors = Files.readString(stderr);
        Files.delete(stderr);
        assertThat(ended && node.exitValue() == 0).as("dashboard-check.mjs failed: %s%s",
                new String(out, StandardCharsets.UTF_8), errors).isTrue();
        return JSON.readTree(out);
    }

    private static List<String> strings(JsonNode array) {
        List<String> all = new ArrayList<>();
        array.forEach(v -> all.add(v.asText()));
        return all;
    }

    /** A chart's datasets, label to its points as "date=value". */
    private static Map<String, List<String>> points(JsonNode chart) {
        Map<String, List<String>> byLabel = new java.util.LinkedHashMap<>();
        for (JsonNode d : chart.get("datasets")) {
            List<String> values = new ArrayList<>();
            d.get("data").forEach(v -> values.add(p(v.get(0).asText(), v.get(1).isNull() ? null : v.get(1).asDouble())));
            byLabel.put(d.get("label").asText(), values);
        }
        return byLabel;
    }

    /** The day number the page's time axis uses (days since 1970-01-01). */
    private static double day(String date) {
        return java.time.LocalDate.parse(date).toEpochDay();
    }

    private static String p(String date, Double value) {
        return date + "=" + value;
    }

    private static Map<String, List<String>> ordered(Object... labelsAndValues) {
        Map<String, List<String>> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < labelsAndValues.length; i += 2) {
            @SuppressWarnings("unchecked")
            List<String> values = (List<String>) labelsAndValues[i + 1];
            m.put((String) labelsAndValues[i], values);
        }
        return m;
    }
}
