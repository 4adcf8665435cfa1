package io.ecompipeline.local;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

import io.ecompipeline.common.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The developer's local loop around the embedded servers: {@code run} on fixed ports ({@code pipeline.local.*-port},
 * so that an {@code aws --endpoint-url} line in another terminal stays right across restarts), refused in one line
 * when a port is taken, and a start-up summary of where everything is (endpoints, the local keys, an example upload,
 * the settings that point another command at this {@code run}); the one-shot commands say where their output goes,
 * since their servers vanish when they exit.
 */
final class LocalLoop {

    private static final Logger LOG = LoggerFactory.getLogger(LocalLoop.class);

    /** Carries the summary to the application, which logs it once it has started (after the dashboard's URL). */
    static final String SUMMARY_PROPERTY = "ecompipeline.local.summary";

    /** A start refused for a reason the user fixes: printed as one line, exit code 3. */
    static final class RefusedStart extends RuntimeException {
        RefusedStart(String message) {
            super(message);
        }
    }

    private LocalLoop() {
    }

    /** {@code run}'s ports, as configured (application.properties, system properties, environment). */
    static LocalServices.Ports ports() {
        UnaryOperator<String> setting = Settings.beforeStart(Map.of());
        return new LocalServices.Ports(port(setting, "pipeline.local.s3-port"),
                port(setting, "pipeline.local.dynamodb-port"), port(setting, "pipeline.local.sqs-port"),
                port(setting, "pipeline.local.postgres-port"));
    }

    private static int port(UnaryOperator<String> setting, String key) {
        String value = setting.apply(key);
        try {
            int port = Integer.parseInt(value == null ? "0" : value.trim());
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new RefusedStart(key + " must be a port number (0 for any free port), got '" + value + "'");
        }
    }

    /** Each fixed port free on 127.0.0.1, or one line that names the setting to change. */
    static void requireFreePorts(LocalServices.Ports ports) {
        Map<String, Integer> asked = new LinkedHashMap<>();
        asked.put("S3|pipeline.local.s3-port", ports.s3());
        asked.put("DynamoDB|pipeline.local.dynamodb-port", ports.dynamoDb());
        asked.put("SQS|pipeline.local.sqs-port", ports.sqs());
        asked.put("PostgreSQL|pipeline.local.postgres-port", ports.postgres());
        for (Map.Entry<String, Integer> e : asked.entrySet()) {
            int port = e.getValue();
            if (port == 0) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress("127.0.0.1", port));
            } catch (IOException taken) {
                String[] what = e.getKey().split("\\|");
                throw new RefusedStart("port " + port + " for the local " + what[0] + " is already in use by another"
                        + " process: set " + what[1] + " (" + envName(what[1]) + ") to a free port, or 0 for any");
            }
        }
    }

    /** The commands that read or change a {@code run}'s data, so they go to that run, not to throw-away servers. */
    static final java.util.List<String> ON_THE_RUN = java.util.List.of("kpis", "recompute");

    /**
     * For {@code kpis} and {@code recompute} without endpoints configured: the settings of the local {@code run} on
     * its fixed ports (it must be up: throw-away servers would hold no KPIs to read or state to recompute from), or
     * one line saying how to start it or point the command elsewhere.
     */
    static Map<String, String> runningLocalRun(String command) {
        LocalServices.Ports ports = ports();
        Map<String, Integer> needed = new LinkedHashMap<>();
        needed.put("DynamoDB|pipeline.local.dynamodb-port", ports.dynamoDb());
        if (command.equals("recompute")) {
            needed.put("PostgreSQL|pipeline.local.postgres-port", ports.postgres());
            needed.put("S3|pipeline.local.s3-port", ports.s3());
        }
        for (Map.Entry<String, Integer> e : needed.entrySet()) {
            String[] what = e.getKey().split("\\|");
            int port = e.getValue();
            boolean up = false;
            if (port != 0) {
                try (java.net.Socket socket = new java.net.Socket()) {
                    socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                    up = true;
                } catch (IOException down) {
                    up = false;
                }
            }
            if (!up) {
                throw new RefusedStart("no endpoints configured, and no local `run` answers on 127.0.0.1:" + port
                        + " (its " + what[0] + ", " + what[1] + "): " + command + " works on a run's data. Start"
                        + " `bin/ecom-pipeline run` in another terminal, or point it at your services with the"
                        + " PIPELINE_*_ENDPOINT and PIPELINE_JDBC_* settings (PIPELINE_USE_AWS=true for AWS)");
            }
        }
        return LocalServices.pipelinePropertiesOf(ports);
    }

    /** What {@code run} logs once started: where the servers are and how to reach them from another terminal. */
    static String summary(LocalServices services, Path dataDir) {
        String bucket = Settings.beforeStart(Map.of()).apply("pipeline.bucket");
        String s3 = services.s3Endpoint().toString();
        return String.join(System.lineSeparator(),
                "Local services of this run (state in " + dataDir.toAbsolutePath().normalize()
                        + "; ports: pipeline.local.*-port):",
                "  S3          " + s3 + "   bucket " + bucket + " (path-style)",
                "  DynamoDB    " + services.dynamoDbEndpoint(),
                "  SQS         " + services.sqsEndpoint(),
                "  PostgreSQL  " + services.jdbcUrl() + "   user " + services.jdbcUser(),
                "  Local keys  export AWS_ACCESS_KEY_ID=" + services.accessKey() + " AWS_SECRET_ACCESS_KEY="
                        + services.secretKey() + " AWS_DEFAULT_REGION=" + services.region(),
                "  Drop files  aws --endpoint-url " + s3 + " s3 cp orders_1.csv s3://" + bucket + "/incoming/",
                "  Other commands on this run's data (e.g. generate): export PIPELINE_S3_ENDPOINT=" + s3
                        + " PIPELINE_DYNAMODB_ENDPOINT=" + services.dynamoDbEndpoint()
                        + " PIPELINE_SQS_ENDPOINT=" + services.sqsEndpoint()
                        + " PIPELINE_JDBC_URL=" + services.jdbcUrl() + " PIPELINE_JDBC_USER=" + services.jdbcUser()
                        + " PIPELINE_JDBC_PASSWORD=" + services.jdbcPassword()
                        + " PIPELINE_AWS_ACCESS_KEY=" + services.accessKey()
                        + " PIPELINE_AWS_SECRET_KEY=" + services.secretKey());
    }

    /** For a one-shot command on throw-away servers: where what it makes can be found afterwards. */
    static void sayWhereOutputGoes(String command) {
        switch (command) {
            case "generate" -> LOG.info("No endpoints configured: generate runs on throw-away embedded servers, so the"
                    + " tables, Parquet files, drops and run log it writes are gone when it exits. To keep them,"
                    + " start `bin/ecom-pipeline run` and run generate with the `export PIPELINE_...` line it prints");
            case "ingest" -> LOG.info("No endpoints configured: ingest runs on throw-away embedded servers; what it"
                    + " produced is in its --output folder");
            default -> {
                // demo prints its results itself
            }
        }
    }

    private static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
