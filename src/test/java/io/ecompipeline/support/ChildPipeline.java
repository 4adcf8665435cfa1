package io.ecompipeline.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.ecompipeline.local.LocalServices;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The application's {@code run} command in a child JVM on the embedded servers of this JVM, so that it can be killed
 * with SIGKILL at any instant while S3, DynamoDB and PostgreSQL keep their state.
 */
public final class ChildPipeline implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final long logStart;

    private ChildPipeline(Process process, Path log, long logStart) {
        this.process = process;
        this.log = log;
        this.logStart = logStart;
    }

    /** Waits until this child's log shows {@code text}; false when it did not within {@code timeoutMillis}. */
    public boolean awaitLog(String text, long timeoutMillis) throws IOException, InterruptedException {
        try {
            Awaitility.await().atMost(Duration.ofMillis(timeoutMillis)).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(50)).until(() -> logSinceStart().contains(text));
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    private String logSinceStart() throws IOException {
        byte[] all = Files.readAllBytes(log);
        return new String(all, (int) Math.min(logStart, all.length), (int) Math.max(0, all.length - logStart),
                java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Settings for fast fault tests: short lease, retries and stranded-file recovery. */
    public static Map<String, String> fastFaultSettings() {
        Map<String, String> p = new TreeMap<>();
        p.put("pipeline.poll.delay", "200");
        p.put("pipeline.batch.retry-interval", "1s");
        p.put("pipeline.batch.max-attempts", "1000");
        p.put("pipeline.batch.force-after", "1h");
        p.put("pipeline.lock.lease", "3s");
        p.put("pipeline.lock.renew-every", "1s");
        p.put("pipeline.recovery.stranded-after", "3s");
        p.put("pipeline.recovery.initial-delay", "1s");
        p.put("pipeline.recovery.period", "1s");
        return p;
    }

    public static ChildPipeline start(LocalServices services, Map<String, String> settings, Path log) throws IOException {
        return start(services, settings, log, "run");
    }

    /** Any command of the application's command line, e.g. {@code generate --days 200}. */
    public static ChildPipeline start(LocalServices services, Map<String, String> settings, Path log,
            String... commandLine) throws IOException {
        return start(services, settings, Map.of(), log, commandLine);
    }

    /**
     * With environment variables too, as a container passes secrets ({@code PIPELINE_JDBC_PASSWORD}): a variable
     * replaces the {@code -D} setting of the key it stands for ({@code pipeline.jdbc.password}).
     */
    public static ChildPipeline start(LocalServices services, Map<String, String> settings, Map<String, String> env,
            Path log, String... commandLine) throws IOException {
        return start(services.pipelineProperties(), settings, env, log, commandLine);
    }

    /**
     * On servers of another process (the benchmarks' {@code ecom-pipeline services}): {@code servers} are the
     * application's settings for them, as {@link LocalServices#pipelineProperties()} gives them.
     */
    public static ChildPipeline start(Map<String, String> servers, Map<String, String> settings,
            Map<String, String> env, Path log, String... commandLine) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        Map<String, String> all = new TreeMap<>(servers);
        all.put("pipeline.provision-resources", "true");
        // `run` serves the dashboard: on a free port, as children run side by side
        all.put("pipeline.dashboard.port", "0");
        // and its management server (health, metrics, Jolokia) on another free port
        all.put("pipeline.management.port", "0");
        all.putAll(settings);
        env.keySet().forEach(variable -> all.remove(variable.toLowerCase(java.util.Locale.ROOT).replace('_', '.')));
        all.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("io.ecompipeline.Application");
        command.addAll(List.of(commandLine));
        Files.createDirectories(log.getParent());
        long logStart = Files.exists(log) ? Files.size(log) : 0;
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        Process process = builder.start();
        return new ChildPipeline(process, log, logStart);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the child to end by itself; its exit code, or -1 when it still ran after {@code timeoutMillis}. */
    public int awaitExit(long timeoutMillis) throws InterruptedException {
        return process.waitFor(timeoutMillis, java.util.concurrent.TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    /** What the child printed since it started (its log and its stderr). */
    public String output() throws IOException {
        return logSinceStart();
    }

    /** SIGKILL: no shutdown hook, no finally block, like a crash or an OOM kill. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
