package io.ecompipeline.camel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import io.ecompipeline.local.LocalServices;
import io.ecompipeline.support.Clients;
import io.ecompipeline.support.ReferenceKpis;
import io.ecompipeline.support.TestPipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

/**
 * {@code bin/camel-run} (docs/operating.md "camel run"): the Camel CLI runs the project's YAML routes with its beans
 * and properties; the lab sample dropped into incoming/ ends up archived and its KPIs in DynamoDB; a route file edited
 * meanwhile is reloaded.
 */
class CamelRunTest {

    private static final Path LAB_SAMPLE = Path.of("src/test/resources/lab-sample");

    @TempDir
    Path work;

    @Test
    void camelRunProcessesAFileSetDroppedIntoIncoming() throws Exception {
        LocalServices services = TestPipeline.services();
        TestPipeline.reset();
        Path routes = Files.createDirectories(work.resolve("routes"));
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/routes"))) {
            for (Path file : files.toList()) {
                Files.copy(file, routes.resolve(file.getFileName()));
            }
        }
        Path log = Files.createDirectories(Path.of("target/camel-run-test")).resolve("camel-run.log");
        Files.deleteIfExists(log);
        List<Path> inputs;
        try (Stream<Path> files = Files.list(LAB_SAMPLE)) {
            inputs = files.filter(p -> p.toString().endsWith(".csv")).sorted().toList();
        }
        Process process = null;
        try (S3Client s3 = Clients.s3(services); DynamoDbClient dynamoDb = Clients.dynamoDb(services)) {
            // the whole file set is waiting in incoming/ when the routes start, so the first poll sees it all and it
            // makes one batch (a set split across polls could leave a part below the batch thresholds)
            try {
                s3.createBucket(b -> b.bucket(TestPipeline.BUCKET));
            } catch (BucketAlreadyOwnedByYouException e) {
                // an earlier test of this JVM created it (TestPipeline.reset() empties it, keeps it)
            }
            for (Path input : inputs) {
                s3.putObject(b -> b.bucket(TestPipeline.BUCKET).key("incoming/" + input.getFileName()),
                        RequestBody.fromFile(input));
            }
            process = start(services, routes, log);
            Process running = process;
            // the first run may build the CLI launcher: not part of what is measured here
            TestPipeline.await("camel run to start the routes (log " + log + ")", Duration.ofMinutes(8), () -> {
                assertThat(running.isAlive()).as("camel-run is running; log:\n" + tail(log)).isTrue();
                return Files.readString(log).contains("Apache Camel 4.17.0 (ecom-pipeline) started");
            });
            // the routes of the YAML files, beside the Java routes of the jar
            assertThat(Files.readString(log)).contains("Started ingest-poll-s3", "Started finish-batch",
                    "Started compute-kpis", "Started recover-stranded");

            ReferenceKpis expected = ReferenceKpis.of(LAB_SAMPLE);
            TestPipeline.await("every file archived and the KPIs written", Duration.ofMinutes(3), () -> {
                assertThat(running.isAlive()).as("camel-run is running; log:\n" + tail(log)).isTrue();
                return archived(s3).size() == inputs.size()
                        && totalOrders(dynamoDb).keySet().equals(expected.orderKpis.keySet());
            });

            Map<String, byte[]> archived = archived(s3);
            for (Path input : inputs) {
                assertThat(archived.get(input.getFileName().toString())).as(input.toString())
                        .isEqualTo(Files.readAllBytes(input));
            }
            Map<String, String> totalOrders = totalOrders(dynamoDb);
            expected.orderKpis.forEach((date, kpis) -> assertThat(totalOrders.get(date)).as("total_orders of " + date)
                    .isEqualTo(kpis.get(0)));
            assertThat(Files.readString(log)).contains("Batch done");

            // a route file saved while camel run runs is reloaded (pipeline.routes.dir)
            Path batch = routes.resolve("batch.camel.yaml");
            Files.writeString(batch, Files.readString(batch).replace("Writes the rejected rows and the quality report", "edited"));
            TestPipeline.await("the reload of batch.camel.yaml", Duration.ofSeconds(30), () -> Files.readString(log)
                    .contains("Reloaded routes file " + batch + ": routes [activity-compute-kpis, "));
            assertThat(Files.readString(log)).doesNotContain("Routes file " + batch + " could not be loaded");
        } finally {
            if (process != null) {
                stop(process);
            }
        }
    }

    private Process start(LocalServices services, Path routes, Path log) throws Exception {
        Path jar = jarOf(Path.of("target/classes"), work.resolve("ecom-pipeline.jar"));
        List<String> command = new ArrayList<>(List.of("bin/camel-run", "--max-seconds=900",
                "--logging-color=false"));
        Map<String, String> settings = new TreeMap<>(services.pipelineProperties());
        settings.put("pipeline.provision-resources", "true");
        settings.put("pipeline.poll.delay", "300");
        settings.put("pipeline.batch.retry-interval", "2s");
        settings.put("pipeline.dashboard.port", "0");
        settings.put("pipeline.generator.schedule-enabled", "false");
        settings.forEach((key, value) -> command.add("--prop=" + key + "=" + value));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // endpoints set: bin/camel-run uses these services rather than starting its own
        builder.environment().put("PIPELINE_S3_ENDPOINT", services.s3Endpoint().toString());
        builder.environment().put("PIPELINE_DYNAMODB_ENDPOINT", services.dynamoDbEndpoint().toString());
        builder.environment().put("PIPELINE_SQS_ENDPOINT", services.sqsEndpoint().toString());
        builder.environment().put("PIPELINE_JDBC_URL", services.jdbcUrl());
        builder.environment().put("ECOM_PIPELINE_JAR", jar.toString());
        builder.environment().put("PIPELINE_ROUTES_DIR", routes.toString());
        builder.environment().put("CAMEL_RUN_DIR", work.resolve("camel-run").toString());
        return builder.start();
    }

    /** The application jar, from what Maven compiled (the test phase comes before package). */
    private static Path jarOf(Path classes, Path jar) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(f -> !f.equals(classes)).sorted().toList()) {
                String name = classes.relativize(file).toString().replace('\\', '/');
                // folder entries too, as in a jar Maven builds (class path scanning lists them)
                out.putNextEntry(new JarEntry(Files.isDirectory(file) ? name + "/" : name));
                if (Files.isRegularFile(file)) {
                    Files.copy(file, (OutputStream) out);
                }
                out.closeEntry();
            }
        }
        return jar;
    }

    /** Archived objects by file name. */
    private static Map<String, byte[]> archived(S3Client s3) {
        Map<String, byte[]> byName = new TreeMap<>();
        s3.listObjectsV2Paginator(b -> b.bucket(TestPipeline.BUCKET).prefix("archive/")).contents().forEach(o ->
                byName.put(o.key().substring(o.key().lastIndexOf('/') + 1),
                        s3.getObjectAsBytes(b -> b.bucket(TestPipeline.BUCKET).key(o.key())).asByteArray()));
        return byName;
    }

    /** total_orders of every item of OrderKPIs, by order date. */
    private static Map<String, String> totalOrders(DynamoDbClient dynamoDb) {
        Map<String, String> byDate = new TreeMap<>();
        dynamoDb.scanPaginator(b -> b.tableName("OrderKPIs")).items().forEach(item ->
                byDate.put(item.get("order_date").s(), text(item.get("total_orders"))));
        return byDate;
    }

    private static String text(AttributeValue value) {
        return value == null ? null : value.n() != null ? value.n() : value.s();
    }

    /** Ends camel run (the JVM under the script) first, then the script. */
    private static void stop(Process process) throws InterruptedException {
        List<ProcessHandle> children = process.descendants().toList();
        children.forEach(ProcessHandle::destroy);
        for (ProcessHandle child : children) {
            child.onExit().completeOnTimeout(child, 30, java.util.concurrent.TimeUnit.SECONDS).join();
        }
        process.destroy();
        process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
