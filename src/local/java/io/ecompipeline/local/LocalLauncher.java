package io.ecompipeline.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.ecompipeline.cli.Cli;

/**
 * What {@code bin/ecom-pipeline} runs on a developer machine: when no endpoint is configured, it starts the embedded
 * S3, DynamoDB, SQS and PostgreSQL servers on loopback, points the application at them and runs the command. It
 * lives in its own jar ({@code target/ecom-pipeline-local.jar}, from {@code src/local/java}), run beside the
 * application's jar, so the production artefact carries no emulator. {@code demo} and {@code ingest} start from
 * empty state on free ports; {@code kpis} and {@code recompute} go to the local {@code run} (they read and change its
 * data); {@code run} keeps its state in {@code PIPELINE_DATA_DIR} (default
 * {@code .ecom-pipeline/data}), one {@code run} per folder ({@link DataDirLock}), on fixed ports that it prints with
 * the local keys and an example upload ({@link LocalLoop}).
 */
public final class LocalLauncher {

    /** Any of these set (as environment variable or system property) means: use the configured services. */
    static final List<String> ENDPOINT_SETTINGS = List.of("pipeline.s3.endpoint", "pipeline.dynamodb.endpoint",
            "pipeline.sqs.endpoint", "pipeline.jdbc.url", "pipeline.use-aws");

    private LocalLauncher() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("services")) {
            services(args);
            return;
        }
        boolean help = args.length == 0 || List.of("help", "--help", "-h").contains(args[0])
                || Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h");
        if (endpointsConfigured() || help) {
            System.exit(Cli.run(args)); // the usage needs no server
        }
        try {
            if (LocalLoop.ON_THE_RUN.contains(args[0])) {
                // kpis and recompute: on the data of the local `run`, which must be up; bad arguments said first
                int bad = Cli.checkArguments(args);
                if (bad != 0) {
                    System.exit(bad);
                }
                LocalLoop.runningLocalRun(args[0]).forEach(System::setProperty);
                System.exit(Cli.run(args));
            }
            System.exit(onEmbeddedServers(args));
        } catch (LocalLoop.RefusedStart e) {
            System.err.println("error: " + e.getMessage());
            System.exit(3);
        }
    }

    /**
     * Runs the command on embedded servers: {@code run} on its data folder (locked) and fixed ports, the others on
     * throw-away state and free ports.
     */
    private static int onEmbeddedServers(String[] args) throws Exception {
        boolean service = args[0].equals("run");
        Path dataDir = service
                ? Path.of(System.getenv().getOrDefault("PIPELINE_DATA_DIR", ".ecom-pipeline/data")) : null;
        DataDirLock lock = service ? DataDirLock.acquire(dataDir) : null;
        try {
            LocalServices services;
            if (service) {
                LocalServices.Ports ports = LocalLoop.ports();
                LocalLoop.requireFreePorts(ports);
                services = LocalServices.start(dataDir, dataDir.resolve("s3"), ports);
            } else {
                LocalLoop.sayWhereOutputGoes(args[0]);
                services = LocalServices.start(null);
            }
            try {
                services.pipelineProperties().forEach(System::setProperty);
                System.setProperty("pipeline.provision-resources", "true");
                if (service) {
                    System.setProperty(LocalLoop.SUMMARY_PROPERTY, LocalLoop.summary(services, dataDir));
                }
                return Cli.run(args);
            } finally {
                if (service) {
                    services.close();
                } else {
                    services.closeForExit(); // throw-away state, and the JVM exits next
                }
            }
        } finally {
            if (lock != null) {
                lock.close(); // the folder is free once its servers have stopped
            }
        }
    }

    /**
     * {@code services [--properties-file FILE] [--s3-dir DIR]}: starts the embedded servers (throw-away state) and
     * keeps them up until stopped (Ctrl-C, SIGTERM); prints the application's settings for them and writes them to
     * FILE as a properties file, for a process started on its own (such as {@code camel run}, see
     * {@code bin/camel-run}). With DIR, S3 keeps its objects as files there instead of in memory (the ingest
     * benchmark's large inputs; DIR is left as it is on stop).
     */
    private static void services(String[] args) throws Exception {
        Path file = null;
        Path s3Dir = null;
        for (int i = 1; i < args.length; i += 2) {
            if (i + 1 < args.length && args[i].equals("--properties-file") && file == null) {
                file = Path.of(args[i + 1]);
            } else if (i + 1 < args.length && args[i].equals("--s3-dir") && s3Dir == null) {
                s3Dir = Path.of(args[i + 1]);
            } else {
                System.err.println("usage: ecom-pipeline services [--properties-file FILE] [--s3-dir DIR]");
                System.exit(2);
            }
        }
        // This JVM ends by a signal and stops the servers in its own shutdown hook. ElasticMQ's actor system would
        // then try to register its shutdown hook while the JVM is already shutting down, and warn that it cannot;
        // it is stopped by our hook anyway (its settings are read from system properties, as Typesafe Config does).
        System.setProperty("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook", "off");
        LocalServices services = LocalServices.start(null, s3Dir);
        Map<String, String> settings = new LinkedHashMap<>(services.pipelineProperties());
        // the servers start empty: the application creates the bucket, tables and queues
        settings.put("pipeline.provision-resources", "true");
        StringBuilder text = new StringBuilder("# ecom-pipeline settings for the embedded servers (ecom-pipeline services)\n");
        settings.forEach((key, value) -> text.append(key).append(" = ").append(value).append('\n'));
        Path written = file;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            services.close();
            if (written != null) {
                try {
                    Files.deleteIfExists(written);
                } catch (java.io.IOException e) {
                    // best effort: the file names ports nobody listens on any more
                }
            }
        }, "local-services-stop"));
        if (file != null) {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            // written whole under another name, then renamed: a reader never sees half a file
            Path partial = file.resolveSibling(file.getFileName() + ".partial");
            Files.writeString(partial, text);
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        System.out.print(text);
        System.out.println("# local services are up" + (file == null ? "" : " (settings in " + file + ")")
                + "; stop with Ctrl-C");
        System.out.flush();
        Thread.currentThread().join();
    }

    static boolean endpointsConfigured() {
        return ENDPOINT_SETTINGS.stream().anyMatch(key -> {
            String env = System.getenv(key.toUpperCase().replace('.', '_').replace('-', '_'));
            String prop = System.getProperty(key);
            return (env != null && !env.isBlank()) || (prop != null && !prop.isBlank());
        });
    }
}
