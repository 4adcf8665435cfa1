package io.ecompipeline.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local loop of {@code bin/ecom-pipeline run}: the embedded servers listen on the ports asked (what makes a
 * printed {@code aws --endpoint-url} line stay right across restarts), the start-up summary names them with the local
 * keys, an example upload and the settings for another command; a second {@code run} on a folder in use, or a port
 * another process holds, is refused in one line (exit code 3, no stack trace) before any server starts.
 */
class LocalLoopTest {

    @TempDir
    Path work;

    @Test
    void theServersListenOnTheAskedPortsAndTheSummarySaysHowToReachThem() throws Exception {
        LocalServices.Ports ports = new LocalServices.Ports(freePort(), freePort(), freePort(), freePort());
        try (LocalServices services = LocalServices.start(null, null, ports)) {
            assertThat(services.s3Endpoint()).isEqualTo(URI.create("http://127.0.0.1:" + ports.s3()));
            assertThat(services.dynamoDbEndpoint()).isEqualTo(URI.create("http://127.0.0.1:" + ports.dynamoDb()));
            assertThat(services.sqsEndpoint()).isEqualTo(URI.create("http://127.0.0.1:" + ports.sqs()));
            assertThat(services.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + ports.postgres() + "/postgres");

            String summary = LocalLoop.summary(services, work.resolve("data"));
            assertThat(summary).contains("state in " + work.resolve("data"),
                    "S3          http://127.0.0.1:" + ports.s3() + "   bucket ecommerce-data",
                    "export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=localsecret AWS_DEFAULT_REGION=us-east-1",
                    "aws --endpoint-url http://127.0.0.1:" + ports.s3() + " s3 cp orders_1.csv s3://ecommerce-data/incoming/",
                    "PIPELINE_S3_ENDPOINT=http://127.0.0.1:" + ports.s3(),
                    "PIPELINE_JDBC_URL=jdbc:postgresql://127.0.0.1:" + ports.postgres() + "/postgres");
            // kpis and recompute, from another process, reach this run with the settings it has itself
            assertThat(LocalServices.pipelinePropertiesOf(ports)).isEqualTo(services.pipelineProperties());
            Map<String, String> portSettings = Map.of("pipeline.local.s3-port", Integer.toString(ports.s3()),
                    "pipeline.local.dynamodb-port", Integer.toString(ports.dynamoDb()),
                    "pipeline.local.sqs-port", Integer.toString(ports.sqs()),
                    "pipeline.local.postgres-port", Integer.toString(ports.postgres()));
            portSettings.forEach(System::setProperty);
            try {
                assertThat(LocalLoop.runningLocalRun("recompute")).isEqualTo(services.pipelineProperties());
            } finally {
                portSettings.keySet().forEach(System::clearProperty);
            }
            // another run on the same ports would be refused before starting anything
            assertThat(refusal(() -> LocalLoop.requireFreePorts(ports))).isEqualTo("port " + ports.s3()
                    + " for the local S3 is already in use by another process: set pipeline.local.s3-port"
                    + " (PIPELINE_LOCAL_S3_PORT) to a free port, or 0 for any");
        }
    }

    @Test
    void aSecondRunOnABusyDataFolderIsRefusedInOneLine() throws Exception {
        Path data = work.resolve("data");
        try (DataDirLock held = DataDirLock.acquire(data)) {
            Result second = launch(Map.of("PIPELINE_DATA_DIR", data.toString()), "run");
            assertThat(second.code()).as(second.output()).isEqualTo(3);
            assertThat(second.output().trim()).hasLineCount(1)
                    .startsWith("error: " + data.toAbsolutePath() + " is in use by another `bin/ecom-pipeline run` (pid "
                            + ManagementFactory.getRuntimeMXBean().getPid() + ", since ")
                    .endsWith("): stop that one first, or give this one its own folder: PIPELINE_DATA_DIR=<folder>"
                            + " bin/ecom-pipeline run");
        }
    }

    @Test
    void aRunWhosePortIsTakenSaysWhichSettingToChange() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Result run = launch(Map.of("PIPELINE_DATA_DIR", work.resolve("data").toString(),
                    "PIPELINE_LOCAL_SQS_PORT", Integer.toString(taken.getLocalPort()),
                    "PIPELINE_LOCAL_S3_PORT", "0", "PIPELINE_LOCAL_DYNAMODB_PORT", "0",
                    "PIPELINE_LOCAL_POSTGRES_PORT", "0"), "run");
            assertThat(run.code()).as(run.output()).isEqualTo(3);
            assertThat(run.output().trim()).isEqualTo("error: port " + taken.getLocalPort() + " for the local SQS is"
                    + " already in use by another process: set pipeline.local.sqs-port (PIPELINE_LOCAL_SQS_PORT) to a"
                    + " free port, or 0 for any");
        }
    }

    @Test
    void runHelpPrintsItsUsageWithoutStartingAnything() throws Exception {
        Result help = launch(Map.of("PIPELINE_DATA_DIR", work.resolve("data").toString()), "run", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.output()).startsWith("usage: ecom-pipeline run").doesNotContain("Local services");
        assertThat(work.resolve("data")).doesNotExist();
    }

    @Test
    void kpisAndRecomputeWithoutALocalRunSaySoInOneLineAfterTheirArguments() throws Exception {
        int port = freePort();
        Result kpis = launch(Map.of("PIPELINE_LOCAL_DYNAMODB_PORT", Integer.toString(port)), "kpis", "--from",
                "2024-03-01", "--to", "2024-03-02");
        assertThat(kpis.code()).as(kpis.output()).isEqualTo(3);
        assertThat(kpis.output().trim()).hasLineCount(1).startsWith("error: no endpoints configured, and no local"
                + " `run` answers on 127.0.0.1:" + port + " (its DynamoDB, pipeline.local.dynamodb-port): kpis works on"
                + " a run's data. Start `bin/ecom-pipeline run`");
        // a wrong argument is said first, whether a run is up or not
        Result bad = launch(Map.of("PIPELINE_LOCAL_DYNAMODB_PORT", Integer.toString(port)), "recompute", "--from",
                "2024-03-01", "--to", "x");
        assertThat(bad.code()).as(bad.output()).isEqualTo(2);
        assertThat(bad.output()).startsWith("error: --to must be a date as YYYY-MM-DD, not 'x'\n"
                + "usage: ecom-pipeline recompute");
    }

    private record Result(int code, String output) {
    }

    private Result launch(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), LocalLauncher.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("PIPELINE_"));
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }

    private static String refusal(Runnable check) {
        try {
            check.run();
            return null;
        } catch (LocalLoop.RefusedStart e) {
            return e.getMessage();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }
}
