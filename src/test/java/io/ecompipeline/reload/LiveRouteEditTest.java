package io.ecompipeline.reload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.ecompipeline.support.LogCapture;
import io.ecompipeline.support.TestPipeline;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * An operator edits the YAML routes of a running application (docs/operating.md "Editing routes live"): the edited
 * route behaves differently without a restart, a broken file keeps the old behaviour and is logged (readiness DOWN and
 * pipeline_routes_reload_failed until a version loads), a change of comments or layout only reloads nothing (the routes
 * keep their counters), the Java routes stay, and a Kubernetes ConfigMap update (the {@code ..data} symlink swapped)
 * reloads too.
 */
class LiveRouteEditTest {

    private static final List<String> FILES = List.of("ingest.camel.yaml", "batch.camel.yaml", "kpi.camel.yaml",
            "curated.camel.yaml");
    /** where a `log` step without logName writes (camel.main.log-name = io.ecompipeline.route.${routeId}) */
    private static final String OPERATOR_LOG = "io.ecompipeline.route.ingest-poll-s3";

    @TempDir
    Path folder;

    @Test
    void editedFileChangesTheRunningRouteAndABrokenFileKeepsIt() throws Exception {
        for (String name : FILES) {
            Files.copy(Path.of("src/main/resources/routes", name), folder.resolve(name));
        }
        Path ingest = folder.resolve("ingest.camel.yaml");
        String original = Files.readString(ingest);
        try (LogCapture log = LogCapture.attach(); TestPipeline pipeline = start()) {
            CamelContext context = pipeline.app().context();
            List<String> routesBefore = routeIds(context);
            assertThat(routesBefore).contains("recover-stranded", "resume-batches"); // Java DSL routes

            drop(pipeline, "orders_1.csv");
            awaitCollected(pipeline, "orders_1.csv");
            assertThat(operatorLines(log)).isEmpty();

            Files.writeString(ingest, withArrivalLog(original, "v1"));
            TestPipeline.await("reload log line", Duration.ofSeconds(20),
                    () -> !log.containing("Reloaded routes file " + ingest).isEmpty());
            assertThat(log.containing("Reloaded routes file " + ingest).get(0).message())
                    .contains("collect-batch", "ingest-poll-s3").doesNotContain("finish-batch");
            drop(pipeline, "orders_2.csv");
            TestPipeline.await("the edited route's log line", Duration.ofSeconds(20),
                    () -> operatorLines(log).contains("route version v1 saw incoming/orders_2.csv"));

            // broken YAML: the error is logged, the v1 route keeps running
            Files.writeString(ingest, withArrivalLog(original, "v2").replace("    from:\n", "    from: [\n"));
            TestPipeline.await("the error log line", Duration.ofSeconds(20),
                    () -> !log.containing("Routes file " + ingest + " could not be loaded").isEmpty());
            assertThat(log.containing("Routes file " + ingest + " could not be loaded").get(0).level())
                    .isEqualTo("ERROR");
            // the running routes differ from the file: readiness DOWN naming it, pipeline_routes_reload_failed = 1
            assertThat(routesFolderCheck(context).getState()).isEqualTo(HealthCheck.State.DOWN);
            assertThat(routesFolderCheck(context).getMessage()).hasValueSatisfying(
                    m -> assertThat(m).contains("ingest.camel.yaml"));
            assertThat(reloadFailed(context, "ingest.camel.yaml")).isEqualTo(1.0);
            assertThat(reloadFailed(context, "batch.camel.yaml")).isEqualTo(0.0);
            drop(pipeline, "orders_3.csv");
            TestPipeline.await("the v1 route's log line", Duration.ofSeconds(20),
                    () -> operatorLines(log).contains("route version v1 saw incoming/orders_3.csv"));
            awaitCollected(pipeline, "orders_3.csv");
            assertThat(operatorLines(log)).noneMatch(line -> line.contains("v2"));

            // parses, but a renamed route cannot start (its endpoint is still consumed): the version that ran is put back
            Files.writeString(ingest, withArrivalLog(original, "v2").replace("id: collect-batch", "id: collect-batch-2"));
            TestPipeline.await("the previous routes put back", Duration.ofSeconds(20), () -> !log.containing(
                    "Routes file " + ingest + ": put back the routes [collect-batch, ingest-poll-s3, remind-open-batch]").isEmpty());
            assertThat(log.containing("Routes file " + ingest + " could not be loaded").get(1).message())
                    .contains("collect-batch-2");
            assertThat(routeIds(context)).containsExactlyInAnyOrderElementsOf(routesBefore);
            drop(pipeline, "orders_5.csv");
            TestPipeline.await("the v1 route's log line", Duration.ofSeconds(20),
                    () -> operatorLines(log).contains("route version v1 saw incoming/orders_5.csv"));
            awaitCollected(pipeline, "orders_5.csv");
            assertThat(operatorLines(log)).noneMatch(line -> line.contains("v2"));

            // fixed: the next version loads
            int reloadsBefore = log.containing("Reloaded routes file " + ingest).size();
            Files.writeString(ingest, withArrivalLog(original, "v3"));
            // (an arrival dropped before the reload would be seen by v1: wait for it)
            TestPipeline.await("the v3 reload log line", Duration.ofSeconds(20),
                    () -> log.containing("Reloaded routes file " + ingest).size() > reloadsBefore);
            drop(pipeline, "orders_4.csv");
            TestPipeline.await("the v3 route's log line", Duration.ofSeconds(20),
                    () -> operatorLines(log).contains("route version v3 saw incoming/orders_4.csv"));
            assertThat(routesFolderCheck(context).getState()).isEqualTo(HealthCheck.State.UP);
            assertThat(reloadFailed(context, "ingest.camel.yaml")).isEqualTo(0.0);

            assertThat(routeIds(context)).containsExactlyInAnyOrderElementsOf(routesBefore);

            // comments and layout only: nothing is reloaded, the routes and their counters stay
            awaitCollected(pipeline, "orders_4.csv");
            Route poller = context.getRoute("ingest-poll-s3");
            long exchanges = exchangesTotal(context, "ingest-poll-s3");
            assertThat(exchanges).isPositive();
            Files.writeString(ingest, "# a note from the operator\n" + withArrivalLog(original, "v3")
                    .replace("      steps:\n", "      steps:   # reformatted\n\n"));
            TestPipeline.await("the comment-only log line", Duration.ofSeconds(20), () -> !log.containing(
                    "Routes file " + ingest + " changed in comments or layout only").isEmpty());
            assertThat(context.getRoute("ingest-poll-s3")).isSameAs(poller);
            drop(pipeline, "orders_6.csv");
            TestPipeline.await("the v3 route's log line", Duration.ofSeconds(20),
                    () -> operatorLines(log).contains("route version v3 saw incoming/orders_6.csv"));
            awaitCollected(pipeline, "orders_6.csv");
            assertThat(exchangesTotal(context, "ingest-poll-s3")).isEqualTo(exchanges + 1);
            // a real change still reloads
            int reloads = log.containing("Reloaded routes file " + ingest).size();
            Files.writeString(ingest, withArrivalLog(original, "v4"));
            TestPipeline.await("the v4 reload log line", Duration.ofSeconds(20),
                    () -> log.containing("Reloaded routes file " + ingest).size() > reloads);
            assertThat(context.getRoute("ingest-poll-s3")).isNotSameAs(poller);
        }
    }

    private static HealthCheck.Result routesFolderCheck(CamelContext context) {
        // (registered among the readiness checks; invokeReadiness leaves UP checks out of its answer)
        HealthCheckRegistry checks = context.getCamelContextExtension().getContextPlugin(HealthCheckRegistry.class);
        return checks.getCheck("routes-folder").orElseThrow().call();
    }

    private static double reloadFailed(CamelContext context, String file) {
        MeterRegistry registry = context.getRegistry().lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME,
                MeterRegistry.class);
        return registry.get("pipeline.routes.reload.failed").tag("file", file).gauge().value();
    }

    private static long exchangesTotal(CamelContext context, String routeId) {
        return context.getCamelContextExtension().getContextPlugin(ManagedCamelContext.class).getManagedRoute(routeId)
                .getExchangesTotal();
    }

    @Test
    void configMapUpdateSwappingTheDataSymlinkReloads() throws Exception {
        // the layout kubelet writes for a ConfigMap volume: x.yaml -> ..data/x.yaml, ..data -> ..<timestamp>
        writeConfigMapVersion("..2026_11_30_00_00_00.1", null);
        Files.createSymbolicLink(folder.resolve("..data"), Path.of("..2026_11_30_00_00_00.1"));
        for (String name : FILES) {
            Files.createSymbolicLink(folder.resolve(name), Path.of("..data", name));
        }
        try (LogCapture log = LogCapture.attach(); TestPipeline pipeline = start()) {
            drop(pipeline, "orders_1.csv");
            awaitCollected(pipeline, "orders_1.csv");
            assertThat(operatorLines(log)).isEmpty();

            // kubelet's atomic update: new folder, ..data_tmp -> it, renamed over ..data, old folder removed
            writeConfigMapVersion("..2026_11_30_00_01_00.2", "v1");
            Files.createSymbolicLink(folder.resolve("..data_tmp"), Path.of("..2026_11_30_00_01_00.2"));
            Files.move(folder.resolve("..data_tmp"), folder.resolve("..data"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            try (var old = Files.list(folder.resolve("..2026_11_30_00_00_00.1"))) {
                for (Path file : old.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(folder.resolve("..2026_11_30_00_00_00.1"));

            TestPipeline.await("reload log line", Duration.ofSeconds(20),
                    () -> !log.containing("Reloaded routes file " + folder.resolve("ingest.camel.yaml")).isEmpty());
            assertThat(log.containing("Reloaded routes file")).hasSize(1); // only the file whose content changed
            drop(pipeline, "orders_2.csv");
            TestPipeline.await("the edited route's log line", Duration.ofSeconds(20),
                    () -> operatorLines(log).contains("route version v1 saw incoming/orders_2.csv"));
        }
    }

    @Test
    void aMissingRoutesFolderStopsTheStartNamingIt() {
        Path missing = folder.resolve("not-there");
        assertThatThrownBy(() -> TestPipeline.fresh(Map.of("pipeline.routes.dir", missing.toString())).close())
                .hasStackTraceContaining("pipeline.routes.dir " + missing + " is not a folder");
    }

    private TestPipeline start() throws Exception {
        return TestPipeline.fresh(Map.of("pipeline.routes.dir", folder.toString(),
                "pipeline.routes.poll-interval", "200ms"));
    }

    private void writeConfigMapVersion(String dir, String version) throws Exception {
        Path target = Files.createDirectory(folder.resolve(dir));
        for (String name : FILES) {
            String yaml = Files.readString(Path.of("src/main/resources/routes", name));
            Files.writeString(target.resolve(name),
                    version != null && name.equals("ingest.camel.yaml") ? withArrivalLog(yaml, version) : yaml);
        }
    }

    /**
     * The operator's edit, as docs/operating.md shows it: the arrival route logs each new object with this version, by
     * a plain {@code log} step (no logName, no level).
     */
    private static String withArrivalLog(String ingestYaml, String version) {
        String anchor = "            otherwise:\n              steps:\n";
        assertThat(ingestYaml).contains(anchor);
        return ingestYaml.replace(anchor, anchor
                + "                - log: \"route version " + version + " saw ${header.CamelAwsS3Key}\"\n");
    }

    /** The lines of the edit's log step, which print at INFO (the console shows INFO under io.ecompipeline). */
    private static List<String> operatorLines(LogCapture log) {
        List<LogCapture.Line> lines = log.lines().stream().filter(l -> l.logger().equals(OPERATOR_LOG)).toList();
        assertThat(lines).allMatch(l -> l.level().equals("INFO"));
        return lines.stream().map(LogCapture.Line::message).toList();
    }

    private static List<String> routeIds(CamelContext context) {
        return context.getRoutes().stream().map(Route::getRouteId).toList();
    }

    private static void drop(TestPipeline pipeline, String name) {
        pipeline.s3().putObject(b -> b.bucket(TestPipeline.BUCKET).key("incoming/" + name),
                RequestBody.fromString("order_id,customer_id,order_date,status,total_amount\n"));
    }

    private static void awaitCollected(TestPipeline pipeline, String name) throws InterruptedException {
        TestPipeline.await(name + " under collected/", Duration.ofSeconds(20), () -> pipeline.objects().keySet()
                .stream().anyMatch(k -> k.startsWith("collected/") && k.endsWith("/" + name)));
    }
}
