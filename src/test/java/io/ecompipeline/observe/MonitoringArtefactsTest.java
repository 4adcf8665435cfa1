package io.ecompipeline.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecompipeline.support.PrometheusText;
import io.ecompipeline.support.TestPipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The monitoring files in {@code deploy/monitoring/} against the application: every metric the alert rules and the
 * Grafana dashboard name is served at {@code /observe/metrics} of a freshly started pipeline, before any batch (so
 * a rule on a rate or ratio never misfires for want of a series); the pipeline's counters are there at 0 for every
 * reason code, table and outcome; after one batch the freshness gauges say when it finished and the newest order date
 * it brought, and Camel's last-exchange gauge, registered ahead of its notifier's racy first registration, follows the
 * exchanges. With promtool installed (Debian's {@code prometheus} package; .ci/run installs it), the rules parse
 * and pass their unit tests ({@code prometheus-rules.test.yaml}: each alert fires on the series it is for, and not
 * before).
 */
class MonitoringArtefactsTest {

    private static final Path MONITORING = Path.of("deploy/monitoring");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** A metric name in a PromQL expression: the families the application serves. */
    private static final Pattern METRIC = Pattern.compile("\\b((?:pipeline|jvm|process|system)_[a-z0-9_]+)\\b");

    @TempDir
    Path work;

    @Test
    void everyMetricTheRulesAndTheDashboardNameIsServedFromStartAndTheGaugesFollowABatch() throws Exception {
        Set<String> named = new TreeSet<>();
        List<String> alerts = new ArrayList<>();
        JsonNode rules = new ObjectMapper().valueToTree(new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(MONITORING.resolve("prometheus-rules.yaml"))));
        for (JsonNode group : rules.get("groups")) {
            for (JsonNode rule : group.get("rules")) {
                alerts.add(rule.get("alert").asText());
                assertThat(rule.path("labels").path("severity").asText()).as(rule.toString())
                        .isIn("warning", "critical");
                assertThat(rule.path("annotations").path("summary").asText()).as(rule.toString()).isNotBlank();
                assertThat(rule.path("annotations").path("description").asText()).as(rule.toString()).isNotBlank();
                named.addAll(metrics(rule.get("expr").asText()));
            }
        }
        assertThat(alerts).contains("EcomPipelineNoRecentBatch", "EcomPipelineBatchDeadLettered",
                "EcomPipelineRejectedShareHigh", "EcomPipelineOpenBatchOverdue");
        JsonNode dashboard = new ObjectMapper().readTree(MONITORING.resolve("grafana-dashboard.json").toFile());
        int targets = 0;
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.path("targets")) {
                targets++;
                named.addAll(metrics(target.get("expr").asText()));
                assertThat(target.path("datasource").path("uid").asText()).isEqualTo("${DS_PROMETHEUS}");
            }
        }
        assertThat(targets).isGreaterThan(10);
        assertThat(named).contains("pipeline_last_batch_finished_timestamp_seconds",
                "pipeline_newest_order_date_timestamp_seconds", "pipeline_open_batch_age_seconds",
                "pipeline_open_batch_files", "pipeline_rows_rejected_total", "jvm_memory_used_bytes",
                "process_cpu_usage");

        try (TestPipeline pipeline = TestPipeline.fresh(Map.of("pipeline.management.enabled", "true",
                "pipeline.management.port", "0", "pipeline.generator.schedule-enabled", "false"))) {
            String base = ManagementServer.url(pipeline.app().context());
            Map<String, Double> before = PrometheusText.parse(get(base + "/metrics"));
            Set<String> families = new TreeSet<>();
            before.keySet().forEach(series -> families.add(series.replaceAll("\\{.*$", "")));
            assertThat(families).as("metrics served before any batch").containsAll(named);
            // the counters an alert divides or rates, at 0 for every label value before anything happened
            for (String reason : PipelineMetrics.rowReasons()) {
                assertThat(before).containsEntry(series("pipeline_rows_rejected_total", "reason", reason), 0.0);
            }
            assertThat(PipelineMetrics.rowReasons()).contains("unknown_product", "invalid_order_date",
                    "missing_category", "field_count");
            for (String outcome : List.of("finished", "failed", "dead_lettered")) {
                assertThat(before).containsEntry(series("pipeline_batches_total", "outcome", outcome), 0.0);
            }
            for (String table : List.of("OrderKPIs", "CategoryKPIs")) {
                assertThat(before).containsEntry(series("pipeline_kpi_items_written_total", "table", table), 0.0);
            }
            assertThat(before).containsEntry(series("pipeline_generator_rows_total", "table", "orders"), 0.0)
                    .containsEntry("pipeline_last_batch_finished_timestamp_seconds", 0.0)
                    .containsEntry("pipeline_newest_order_date_timestamp_seconds", 0.0)
                    .containsEntry("pipeline_open_batch_files", 0.0)
                    .containsEntry("pipeline_open_batch_age_seconds", 0.0)
                    .containsEntry("pipeline_open_batch_force_after_seconds", 1800.0);

            Path in = Files.createDirectories(work.resolve("in"));
            Files.writeString(in.resolve("products.csv"), "product_id,category,name,price\n1,Books,Dune,10.00\n");
            Files.writeString(in.resolve("orders_1.csv"), "order_id,user_id,order_date,total_amount,status\n"
                    + "1,100,2024-03-01,10.00,delivered\n2,101,2024-03-04,10.00,delivered\n");
            Files.writeString(in.resolve("order_items_1.csv"),
                    "order_id,product_id,quantity,unit_price\n1,1,1,10.00\n2,1,1,10.00\n");
            long started = Instant.now().getEpochSecond();
            assertThat(pipeline.ingest(in, work.resolve("out"))).isZero();

            Map<String, Double> after = PrometheusText.parse(get(base + "/metrics"));
            assertThat(after.get("pipeline_last_batch_finished_timestamp_seconds"))
                    .isBetween(started - 1.0, Instant.now().getEpochSecond() + 1.0);
            assertThat(after.get("pipeline_newest_order_date_timestamp_seconds"))
                    .isEqualTo((double) LocalDate.parse("2024-03-04").atStartOfDay(ZoneOffset.UTC).toEpochSecond());
            assertThat(after).containsEntry(series("pipeline_batches_total", "outcome", "finished"), 1.0);
            // registered before any exchange (LastExchangeGauge), over the value Camel's exchange notifier updates
            assertThat(after.get("camel_exchanges_last_timestamp")).isGreaterThanOrEqualTo(started * 1000.0);
        }
    }

    @Test
    void theRulesParseAndPassTheirUnitTestsInPromtool() throws Exception {
        assumeTrue(onPath("promtool"), "promtool is not installed (Debian package prometheus; .ci/run installs it)");
        assertThat(promtool("check", "rules", "prometheus-rules.yaml")).contains("SUCCESS: 8 rules found");
        assertThat(promtool("test", "rules", "prometheus-rules.test.yaml")).contains("SUCCESS");
    }

    private static String promtool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(MONITORING.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    private static Set<String> metrics(String expr) {
        Set<String> names = new TreeSet<>();
        Matcher m = METRIC.matcher(expr);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static String series(String name, String label, String value) {
        return name + "{" + label + "=\"" + value + "\"}";
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

}
