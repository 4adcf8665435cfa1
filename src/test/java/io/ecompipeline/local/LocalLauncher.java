package io.ecompipeline.local;

import java.nio.file.Path;
import java.util.List;

import io.ecompipeline.cli.Cli;

/**
 * What {@code bin/ecom-pipeline} runs on a developer machine: when no endpoint is configured, it starts the embedded
 * S3, DynamoDB, SQS and PostgreSQL servers on loopback, points the application at them and runs the command. It
 * lives in test scope so the production artefact carries no emulator. {@code demo} and {@code ingest} start from
 * empty state; {@code run} keeps its state in {@code PIPELINE_DATA_DIR} (default {@code .ecom-pipeline/data}).
 */
public final class LocalLauncher {

    /** Any of these set (as environment variable or system property) means: use the configured services. */
    static final List<String> ENDPOINT_SETTINGS = List.of("pipeline.s3.endpoint", "pipeline.dynamodb.endpoint",
            "pipeline.sqs.endpoint", "pipeline.jdbc.url", "pipeline.use-aws");

    private LocalLauncher() {
    }

    public static void main(String[] args) throws Exception {
        if (endpointsConfigured() || args.length == 0 || args[0].equals("help")) {
            System.exit(Cli.run(args));
        }
        Path dataDir = args[0].equals("run")
                ? Path.of(System.getenv().getOrDefault("PIPELINE_DATA_DIR", ".ecom-pipeline/data")) : null;
        int code;
        try (LocalServices services = LocalServices.start(dataDir)) {
            services.pipelineProperties().forEach(System::setProperty);
            System.setProperty("pipeline.provision-resources", "true");
            code = Cli.run(args);
        }
        System.exit(code);
    }

    static boolean endpointsConfigured() {
        return ENDPOINT_SETTINGS.stream().anyMatch(key -> {
            String env = System.getenv(key.toUpperCase().replace('.', '_').replace('-', '_'));
            String prop = System.getProperty(key);
            return (env != null && !env.isBlank()) || (prop != null && !prop.isBlank());
        });
    }
}
