package io.ecompipeline.tools;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import io.ecompipeline.local.LocalLauncher;

/**
 * The embedded servers in a JVM of their own ({@code ecom-pipeline services --properties-file F --s3-dir D}), so that
 * the benchmark JVM's heap is the pipeline's alone, and with S3's objects as files, so that the input's size is in
 * no heap at all.
 */
final class ChildServices implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final Map<String, String> settings;
    private final double startSeconds;
    private final Thread stopOnExit;

    private ChildServices(Process process, Path log, Map<String, String> settings, double startSeconds) {
        this.process = process;
        this.log = log;
        this.settings = settings;
        this.startSeconds = startSeconds;
        this.stopOnExit = new Thread(this::stopQuietly, "bench-services-stop");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
    }

    /** Starts them with files under {@code work}; returns when their settings file is written (they are up). */
    static ChildServices start(Path work, String maxHeap) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Path settingsFile = work.resolve("services.properties");
        Path log = work.resolve("services.log");
        Process process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap, "-cp", System.getProperty("java.class.path"), LocalLauncher.class.getName(),
                "services", "--properties-file", settingsFile.toString(), "--s3-dir", work.resolve("s3").toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!Files.exists(settingsFile)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("the embedded services did not start; their log (" + log + "):\n"
                        + Files.readString(log));
            }
            Thread.sleep(20);
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(settingsFile)) {
            p.load(r);
        }
        Map<String, String> settings = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> settings.put(k, p.getProperty(k)));
        return new ChildServices(process, log, settings, (System.nanoTime() - t0) / 1e9);
    }

    /** The application's settings for these servers (provisioning on). */
    Map<String, String> settings() {
        return settings;
    }

    double startSeconds() {
        return startSeconds;
    }

    Path log() {
        return log;
    }

    /**
     * Stops them with SIGTERM: they stop their servers in a shutdown hook (a SIGKILL would leave PostgreSQL, a process
     * of its own, running); returns the seconds it took.
     */
    double stop() throws InterruptedException {
        long t0 = System.nanoTime();
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs and finds the process gone
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /** When the benchmark ends early (an error, Ctrl-C): the servers must not outlive it. */
    private void stopQuietly() {
        try {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }
}
