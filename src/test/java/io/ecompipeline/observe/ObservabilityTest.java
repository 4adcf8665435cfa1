package io.ecompipeline.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecompipeline.common.StartupException;
import io.ecompipeline.generate.GeneratorService;
import io.ecompipeline.generate.ShopGenerator;
import io.ecompipeline.support.FaultProxy;
import io.ecompipeline.support.PrometheusText;
import io.ecompipeline.support.TestPipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The management server of a pipeline that processed a file set: liveness and readiness answer 200; readiness turns
 * 503 (and liveness stays 200) while PostgreSQL, then DynamoDB, is cut off by a proxy, and 200 again after; the
 * Prometheus metrics hold the rows, rejections by reason, batches and KPI items the batch's report and DynamoDB
 * show, and the rows a generator run committed; Jolokia asks for the configured login (any characters in the password);
 * and the app refuses to serve Jolokia off loopback without one.
 */
class ObservabilityTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path work;

    @Test
    void healthReadinessFollowsTheServicesAndMetricsMatchTheProcessedFiles() throws Exception {
        Path in = Files.createDirectories(work.resolve("in"));
        Files.writeString(in.resolve("products.csv"), "product_id,category,name,price\n1,Books,Dune,10.00\n2,Toys,Ball,20.00\n");
        Files.writeString(in.resolve("orders_1.csv"), "order_id,user_id,order_date,total_amount,status\n"
                + "1,100,2024-03-01,30.00,delivered\n2,101,2024-03-02,20.00,returned\n3,102,not-a-date,5.00,delivered\n"
                + "4,103,2024-03-02,5.00,lost\n5,104,2024-03-02\n");
        Files.writeString(in.resolve("order_items_1.csv"), "order_id,product_id,quantity,unit_price\n"
                + "1,1,1,10.00\n1,2,1,20.00\n2,2,1,20.00\n2,99,1,1.00\n77,1,1,10.00\n");
        Files.writeString(in.resolve("notes.txt"), "not a data file\n");

        try (FaultProxy postgres = new FaultProxy(URI.create("tcp://" + jdbcHostPort()));
                FaultProxy dynamoDb = new FaultProxy(TestPipeline.services().dynamoDbEndpoint());
                TestPipeline pipeline = TestPipeline.fresh(Map.of(
                        "pipeline.management.enabled", "true", "pipeline.management.port", "0",
                        "pipeline.management.user", "operator",
                        "pipeline.management.password", "s3cret pass, with \\ and : too",
                        "pipeline.jdbc.url", jdbcUrlThrough(postgres),
                        "pipeline.dynamodb.endpoint", dynamoDb.uri().toString(),
                        "pipeline.generator.schedule-enabled", "false"))) {
            String base = ManagementServer.url(pipeline.app().context());
            assertThat(base).matches("http://127\\.0\\.0\\.1:[1-9]\\d*/observe");

            assertThat(get(base + "/health/live").statusCode()).isEqualTo(200);
            HttpResponse<String> ready = get(base + "/health/ready?exposureLevel=full");
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);

            assertThat(pipeline.ingest(in, work.resolve("out"))).isZero();
            String batchId = pipeline.objects().keySet().stream().filter(k -> k.startsWith("reports/")).findFirst()
                    .orElseThrow().replaceAll("^reports/|\\.json$", "");
            JsonNode report = JSON.readTree(pipeline.object("reports/" + batchId + ".json"));

            Map<String, Double> metrics = PrometheusText.parse(get(base + "/metrics").body());
            JsonNode totals = report.get("totals");
            assertThat(metrics.get("pipeline_rows_read_total")).isEqualTo(totals.get("rows_read").asDouble());
            assertThat(metrics.get("pipeline_rows_accepted_total")).isEqualTo(totals.get("rows_accepted").asDouble());
            Map<String, Double> rejectedByReason = new TreeMap<>();
            report.get("files").forEach(f -> f.get("rejected_by_reason").fields().forEachRemaining(
                    r -> rejectedByReason.merge(r.getKey(), r.getValue().asDouble(), Double::sum)));
            assertThat(rejectedByReason).hasSizeGreaterThanOrEqualTo(3);
            Map<String, Double> rejectedMetrics = new TreeMap<>();
            metrics.forEach((name, value) -> {
                Matcher m = Pattern.compile("pipeline_rows_rejected_total\\{reason=\"([^\"]+)\"}").matcher(name);
                // every reason code is served from start-up at 0; those of this batch's rows count them
                if (m.matches() && value > 0) {
                    rejectedMetrics.put(m.group(1), value);
                }
            });
            assertThat(rejectedMetrics).isEqualTo(rejectedByReason);
            assertThat(rejectedMetrics.values().stream().mapToDouble(Double::doubleValue).sum())
                    .isEqualTo(totals.get("rows_rejected").asDouble());

            assertThat(metrics.get("pipeline_batches_total{outcome=\"finished\"}")).isEqualTo(1.0);
            assertThat(metrics.get("pipeline_batches_total{outcome=\"failed\"}")).isEqualTo(0.0);
            assertThat(metrics.get("pipeline_batch_duration_seconds_count{outcome=\"finished\"}")).isEqualTo(1.0);
            assertThat(metrics.get("pipeline_batch_duration_seconds_sum{outcome=\"finished\"}")).isPositive();
            DynamoDbClient ddb = pipeline.bean("dynamoDbClient", DynamoDbClient.class);
            assertThat(metrics.get("pipeline_kpi_items_written_total{table=\"OrderKPIs\"}"))
                    .isEqualTo((double) ddb.scan(b -> b.tableName("OrderKPIs")).count()).isPositive();
            assertThat(metrics.get("pipeline_kpi_items_written_total{table=\"CategoryKPIs\"}"))
                    .isEqualTo((double) ddb.scan(b -> b.tableName("CategoryKPIs")).count()).isPositive();
            // Camel's own route metrics beside them
            assertThat(metrics).containsKey("camel_exchanges_total{camelContext=\"ecom-pipeline\",eventType=\"route\","
                    + "kind=\"CamelRoute\",routeId=\"finish-batch\"}");

            // readiness follows the services; liveness does not restart the JVM for an outage outside it
            postgres.down();
            HttpResponse<String> notReady = get(base + "/health/ready?exposureLevel=full");
            assertThat(notReady.statusCode()).isEqualTo(503);
            assertThat(notReady.body()).contains("postgresql");
            assertThat(get(base + "/health/live").statusCode()).isEqualTo(200);
            postgres.up();
            TestPipeline.await("ready after PostgreSQL came back", Duration.ofSeconds(30),
                    () -> get(base + "/health/ready").statusCode() == 200);
            dynamoDb.down();
            HttpResponse<String> noDynamoDb = get(base + "/health/ready?exposureLevel=full");
            assertThat(noDynamoDb.statusCode()).isEqualTo(503);
            assertThat(noDynamoDb.body()).contains("dynamodb");
            dynamoDb.up();
            TestPipeline.await("ready after DynamoDB came back", Duration.ofSeconds(30),
                    () -> get(base + "/health/ready").statusCode() == 200);

            // Jolokia asks for the login; health and metrics stay open for probes and scrapers
            String jolokia = base + "/jolokia";
            String route = "{\"type\":\"read\",\"mbean\":\"org.apache.camel:context=ecom-pipeline,type=routes,"
                    + "name=\\\"finish-batch\\\"\",\"attribute\":\"ExchangesCompleted\"}";
            assertThat(post(jolokia, route, null, null).statusCode()).isEqualTo(401);
            assertThat(post(jolokia, route, "operator", "wrong").statusCode()).isEqualTo(401);
            HttpResponse<String> read = post(jolokia, route, "operator", "s3cret pass, with \\ and : too");
            assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
            assertThat(JSON.readTree(read.body()).get("value").asLong()).isEqualTo(1);

            // the generator's committed rows, per table
            GeneratorService generator = pipeline.bean("shopGenerator", GeneratorService.class);
            ShopGenerator.RunResult run = generator.run(generator.with(Map.of("mode", "initial", "days", "2",
                    "scale", "0.05", "export", "false")), true);
            Map<String, Double> after = PrometheusText.parse(get(base + "/metrics").body());
            for (String table : java.util.List.of("customers", "orders", "order_items")) {
                assertThat(run.records().get(table)).isPositive();
                assertThat(after.get("pipeline_generator_rows_total{table=\"" + table + "\"}"))
                        .isEqualTo(run.records().get(table).doubleValue());
            }
        }
    }

    @Test
    void jolokiaOffLoopbackNeedsALogin() {
        Map<String, String> settings = new HashMap<>(Map.of("pipeline.management.host", "0.0.0.0",
                "pipeline.management.port", "9876", "pipeline.dashboard.enabled", "true",
                "pipeline.dashboard.port", "8080"));
        assertThatThrownBy(() -> ManagementServer.overrides(settings::get, true))
                .isInstanceOf(StartupException.class).hasMessageContaining("pipeline.management.user");
        settings.put("pipeline.management.user", "operator");
        settings.put("pipeline.management.password", "pw");
        Map<String, String> camel = ManagementServer.overrides(settings::get, true);
        // the login is checked by the app's Jolokia (ManagementJolokia), never handed to Camel or written to a file
        assertThat(camel).containsEntry("camel.management.host", "0.0.0.0")
                .doesNotContainKey("camel.management.authenticationEnabled")
                .doesNotContainKey("camel.management.basicPropertiesFile");
        assertThat(camel.values()).doesNotContain("pw");
        // one-shot commands bind nothing
        assertThat(ManagementServer.overrides(settings::get, false)).containsExactly(
                Map.entry("camel.management.enabled", "false"));
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A Jolokia request as JSON, with HTTP basic authentication unless {@code user} is null. */
    private static HttpResponse<String> post(String url, String json, String user, String password) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(json));
        if (user != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                    .getBytes(StandardCharsets.UTF_8)));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Prometheus text format: series (name with labels) to value. */

    private static String jdbcHostPort() throws Exception {
        return TestPipeline.services().jdbcUrl().replaceAll("^jdbc:postgresql://([^/]+)/.*$", "$1");
    }

    private static String jdbcUrlThrough(FaultProxy proxy) throws Exception {
        return TestPipeline.services().jdbcUrl().replaceFirst("//[^/]+/", "//" + proxy.uri().getHost() + ":"
                + proxy.uri().getPort() + "/");
    }
}
