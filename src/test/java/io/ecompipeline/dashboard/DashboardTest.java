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
 * items are put into DynamoDB beside the ones it wrote, and the page's Chart.js instances must hold exactly those
 * values, with no console error and every script served by the app. The screenshot stays in
 * {@code target/screenshots/dashboard.png}.
 */
class DashboardTest {

    private static final Path BROWSER_DIR = Path.of("src/test/browser");
    private static final Path SCREENSHOT = Path.of("target/screenshots/dashboard.png");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    @Test
    void chartsHoldTheKpisInDynamoDbAndTheBatchesTheirReports() throws Exception {
        Path in = Files.createDirectories(work.resolve("in"));
        Files.writeString(in.resolve("products.csv"), "product_id,category,name,price\n1,Books,Dune,10.00\n2,Toys,Ball,20.00\n");
        Files.writeString(in.resolve("orders_1.csv"), "order_id,user_id,order_date,total_amount,status\n"
                + "1,100,2024-03-01,30.00,delivered\n2,101,2024-03-01,20.00,returned\n3,102,not-a-date,5.00,delivered\n");
        Files.writeString(in.resolve("order_items_1.csv"),
                "order_id,product_id,quantity,unit_price\n1,1,1,10.00\n1,2,1,20.00\n2,2,1,20.00\n");

        JsonNode page;
        String batchId;
        String base;
        try (TestPipeline pipeline = TestPipeline.fresh(Map.of("camel.server.enabled", "true",
                "camel.server.port", "0"))) {
            // port 0: the server takes a free port; the app tells which
            String dashboard = PipelineApp.dashboardUrl(pipeline.app().context());
            assertThat(dashboard).matches("http://127\\.0\\.0\\.1:[1-9]\\d*/dashboard");
            base = dashboard.substring(0, dashboard.length() - "/dashboard".length());
            assertThat(pipeline.ingest(in, work.resolve("out"))).isZero();
            batchId = pipeline.objects().keySet().stream().filter(k -> k.startsWith("reports/")).findFirst()
                    .orElseThrow().replaceAll("^reports/|\\.json$", "");

            DynamoDbClient ddb = pipeline.bean("dynamoDbClient", DynamoDbClient.class);
            putOrderKpis(ddb, "2024-03-02", "7", "123.45", "0.1429", "6");
            putOrderKpis(ddb, "2024-03-03", "3", "99.9", "0", "3");
            putCategoryKpi(ddb, "Books", "2024-03-02", "23.45");
            putCategoryKpi(ddb, "Toys", "2024-03-02", "100");
            putCategoryKpi(ddb, "Garden", "2024-03-03", "99.9");

            HttpResponse<String> unknown = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(base + "/dashboard/assets/..%2Fapplication.properties")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(unknown.statusCode()).isEqualTo(404);

            page = openInChromium(base + "/dashboard");
        }

        assertThat(page.get("consoleErrors")).as("console errors").isEmpty();
        assertThat(page.get("pageErrors")).as("page errors").isEmpty();
        assertThat(page.get("failedRequests")).as("failed requests").isEmpty();
        assertThat(page.get("error").isNull()).as("dashboard error %s", page.get("error")).isTrue();
        assertThat(page.get("chartJsVersion").asText()).isEqualTo(DashboardAssets.chartJsVersion());
        page.get("scripts").forEach(src -> assertThat(src.asText()).startsWith(base + "/"));

        JsonNode charts = page.get("charts");
        List<String> dates = List.of("2024-03-01", "2024-03-02", "2024-03-03");
        // 2024-03-01 comes from the batch: order 1 (Books 10 + Toys 20), order 2 returned (Toys 20)
        JsonNode categories = charts.get("categoryRevenue");
        assertThat(strings(categories.get("labels"))).isEqualTo(dates);
        assertThat(series(categories)).containsExactlyEntriesOf(ordered(
                "Books", numbers(10.0, 23.45, null),
                "Garden", numbers(null, null, 99.9),
                "Toys", numbers(40.0, 100.0, null)));
        assertThat(strings(charts.get("orders").get("labels"))).isEqualTo(dates);
        assertThat(series(charts.get("orders"))).containsExactlyEntriesOf(ordered(
                "orders", numbers(2.0, 7.0, 3.0),
                "unique customers", numbers(2.0, 6.0, 3.0)));
        assertThat(series(charts.get("revenue")).get("revenue")).isEqualTo(numbers(50.0, 123.45, 99.9));
        assertThat(series(charts.get("returnRate")).get("return rate")).isEqualTo(numbers(0.5, 0.1429, 0.0));

        // the batch and its quality report: 8 rows read, one rejected for its date
        assertThat(strings(charts.get("batchRejected").get("labels"))).containsExactly(batchId);
        assertThat(series(charts.get("batchRejected")).get("rejected rows")).isEqualTo(numbers(1.0));
        JsonNode row = page.get("batches").get(0);
        assertThat(page.get("batches")).hasSize(1);
        assertThat(strings(row)).startsWith(batchId, "finished").contains("3", "0", "8", "7", "1",
                "invalid_order_date: 1", "2024-03-01");

        assertThat(SCREENSHOT).exists();
        assertThat(Files.size(SCREENSHOT)).as("screenshot bytes").isGreaterThan(20_000);
    }

    private static void putOrderKpis(DynamoDbClient ddb, String date, String orders, String revenue, String returnRate,
            String customers) {
        ddb.putItem(b -> b.tableName("OrderKPIs").item(Map.of("order_date", s(date), "total_orders", n(orders),
                "total_revenue", n(revenue), "return_rate", n(returnRate), "unique_customers", n(customers),
                "batch_id", s("put-by-test"))));
    }

    private static void putCategoryKpi(DynamoDbClient ddb, String category, String date, String revenue) {
        ddb.putItem(b -> b.tableName("CategoryKPIs").item(Map.of("category", s(category), "order_date", s(date),
                "daily_revenue", n(revenue), "avg_order_value", n(revenue), "avg_return_rate", n("0"),
                "orders", n("1"), "batch_id", s("put-by-test"))));
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    private static AttributeValue n(String v) {
        return AttributeValue.fromN(v);
    }

    /** Runs src/test/browser/dashboard-check.mjs (headless Chromium) on the page; returns what it printed. */
    private static JsonNode openInChromium(String url) throws IOException, InterruptedException {
        assertThat(Path.of(System.getenv().getOrDefault("CHROMIUM_PATH", "/usr/bin/chromium")))
                .as("Chromium (install it with: apt-get install -y chromium)").exists();
        Files.createDirectories(SCREENSHOT.getParent());
        Files.deleteIfExists(SCREENSHOT);
        Path stderr = Files.createTempFile("dashboard-check", ".log");
        Process node = new ProcessBuilder("node", "dashboard-check.mjs", url, SCREENSHOT.toAbsolutePath().toString())
                .directory(BROWSER_DIR.toFile()).redirectError(stderr.toFile()).start();
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

    /** A chart's datasets, label to values (null where the chart has a gap). */
    private static Map<String, List<Double>> series(JsonNode chart) {
        Map<String, List<Double>> byLabel = new java.util.LinkedHashMap<>();
        for (JsonNode d : chart.get("datasets")) {
            List<Double> values = new ArrayList<>();
            d.get("data").forEach(v -> values.add(v.isNull() ? null : v.asDouble()));
            byLabel.put(d.get("label").asText(), values);
        }
        return byLabel;
    }

    private static List<Double> numbers(Double... values) {
        return java.util.Arrays.asList(values);
    }

    private static Map<String, List<Double>> ordered(Object... labelsAndValues) {
        Map<String, List<Double>> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < labelsAndValues.length; i += 2) {
            @SuppressWarnings("unchecked")
            List<Double> values = (List<Double>) labelsAndValues[i + 1];
            m.put((String) labelsAndValues[i], values);
        }
        return m;
    }
}
