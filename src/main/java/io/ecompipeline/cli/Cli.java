package io.ecompipeline.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.ecompipeline.common.Settings;
import io.ecompipeline.common.StartupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Parses the command line and runs one command; returns the process exit code. */
public final class Cli {

    private static final Logger LOG = LoggerFactory.getLogger(Cli.class);

    static final String USAGE = """
            usage: ecom-pipeline COMMAND [OPTIONS]

              demo                              generate a small data set, process it end to end, print the KPIs
              run                               the long-running service (polls S3 for file drops)
              ingest --input DIR --output DIR   process local files (sub-folders of DIR are waves, in name order)
                     [--timeout DURATION]       how long to wait for one wave's batch (default 10m)
              generate [--mode M] [--days N]    one run of the data generator (M: auto, initial, incremental, reload;
                       [--scale X] [--seed S]     N: history days, or at most N days; X: volume factor; S: seed)
                       [--through DATE] [--export-history]
                       [--export true|false] [--days-per-commit N]
              kpis --from DATE --to DATE        the KPIs of a date range (YYYY-MM-DD, both included), read from DynamoDB
                   [--category C]                 by key: shop-wide, or of category C
                   [--format table|csv|json]      (default table: units and a totals line)
              recompute --from DATE --to DATE   re-derives the KPIs of a date range from the state, under the processing
                                                  lease (after a fix, a lost KPI table or a restored backup)
              hawtio                            (bin/ecom-pipeline) the Hawtio console for a running `run`, in its own JVM
              services [--properties-file F]    (bin/ecom-pipeline) only the embedded S3, DynamoDB, SQS and PostgreSQL
                       [--s3-dir D]               servers; prints (and writes to F) the settings that reach them;
                                                  with D, S3 keeps its objects as files in D
              help                              this text

            Configuration: src/main/resources/application.properties; override any key with -Dkey=value or an
            environment variable (pipeline.bucket -> PIPELINE_BUCKET). See README.md.
            """;

    private Cli() {
    }

    public static int run(String[] args) {
        try {
            if (args.length == 0) {
                throw new UsageException("no command given");
            }
            String command = args[0];
            List<String> rest = Arrays.asList(args).subList(1, args.length);
            if (rest.contains("--help") || rest.contains("-h")) {
                System.out.print(usageOf(command));
                return 0;
            }
            Map<String, String> options = options(rest);
            return switch (command) {
                case "run" -> {
                    noOptions(command, options);
                    yield new PipelineApp(Map.of()).runForever();
                }
                case "ingest" -> ingest(options);
                case "demo" -> {
                    noOptions(command, options);
                    yield new DemoCommand().run();
                }
                case "generate" -> new GenerateCommand().run(options);
                case "kpis" -> new KpisCommand(Settings.beforeStart(Map.of()), System.out).run(options);
                case "recompute" -> RecomputeCommand.of(options).run();
                case "help", "--help", "-h" -> {
                    System.out.print(USAGE);
                    yield 0;
                }
                default -> throw new UsageException("unknown command '" + command + "'");
            };
        } catch (UsageException e) {
            System.err.println("error: " + e.getMessage());
            System.err.print(USAGE);
            return 2;
        } catch (StartupException e) {
            System.err.println("error: " + e.getMessage());
            return 3;
        } catch (Exception e) {
            LOG.error("Failed", e);
            System.err.println("error: " + e.getMessage());
            return 1;
        }
    }

    /**
     * The arguments of {@code kpis} and {@code recompute} checked as {@link #run} will check them, for a launcher that
     * has work to do before it runs the command (find the services): 2 after printing the usage error, else 0.
     */
    public static int checkArguments(String[] args) {
        try {
            Map<String, String> options = options(Arrays.asList(args).subList(1, args.length));
            switch (args[0]) {
                case "kpis" -> KpisCommand.Query.of(options);
                case "recompute" -> RecomputeCommand.of(options);
                default -> {
                    // the other commands check their own
                }
            }
            return 0;
        } catch (UsageException e) {
            System.err.println("error: " + e.getMessage());
            System.err.print(usageOf(args[0]));
            return 2;
        }
    }

    private static int ingest(Map<String, String> options) throws Exception {
        for (String key : options.keySet()) {
            if (!List.of("input", "output", "timeout").contains(key)) {
                throw new UsageException("unknown option --" + key + " for ingest");
            }
        }
        String input = options.get("input");
        String output = options.get("output");
        if (input == null || output == null) {
            throw new UsageException("ingest needs --input DIR and --output DIR");
        }
        Path in = Path.of(input);
        if (!Files.isDirectory(in)) {
            throw new UsageException("input folder " + in.toAbsolutePath() + " does not exist or is not a folder");
        }
        Path out = Path.of(output);
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new UsageException("output " + out.toAbsolutePath() + " exists and is not a folder");
        }
        String timeout = options.getOrDefault("timeout", "10m");
        java.time.Duration waveTimeout;
        try {
            waveTimeout = org.apache.camel.util.TimeUtils.toDuration(timeout);
        } catch (RuntimeException e) {
            throw new UsageException("--timeout must be a duration like 10m, 90s or 1h30m, not '" + timeout + "'");
        }
        return new IngestCommand(in, out, waveTimeout).run();
    }

    /** One command's lines of {@link #USAGE} (its line and the indented ones under it), or all of it. */
    static String usageOf(String command) {
        StringBuilder out = new StringBuilder("usage: ecom-pipeline " + command + " [OPTIONS]\n\n");
        boolean in = false;
        for (String line : USAGE.split("\n")) {
            if (line.matches("  [a-z].*")) {
                in = line.startsWith("  " + command + " ") || line.equals("  " + command);
            } else if (line.isBlank() || !line.startsWith("   ")) {
                in = false;
            }
            if (in) {
                out.append(line).append('\n');
            }
        }
        return out.toString().endsWith("\n\n") ? USAGE : out.toString();
    }

    private static void noOptions(String command, Map<String, String> options) {
        if (!options.isEmpty()) {
            throw new UsageException(command + " takes no options, got --" + options.keySet().iterator().next());
        }
    }

    /** Options that may stand alone, meaning {@code true}. */
    private static final java.util.Set<String> FLAGS = java.util.Set.of("export-history");

    static Map<String, String> options(List<String> args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new UsageException("unexpected argument '" + arg + "'");
            }
            String name = arg.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                value = args.get(++i);
            } else if (FLAGS.contains(name)) {
                value = "true";
            } else {
                throw new UsageException("option --" + name + " needs a value");
            }
            options.put(name, value);
        }
        return options;
    }
}
