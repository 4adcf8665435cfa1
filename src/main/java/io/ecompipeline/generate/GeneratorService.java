package io.ecompipeline.generate;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import io.ecompipeline.common.S3Objects;
import io.ecompipeline.observe.PipelineMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the generator at most once at a time: an in-process guard, and a PostgreSQL advisory lock held for the run so
 * that two instances of the service (or the service and a {@code generate} command) never generate concurrently.
 * A run that finds another one in progress is skipped (the schedule) or fails (the command).
 */
public class GeneratorService {

    private static final Logger LOG = LoggerFactory.getLogger(GeneratorService.class);
    private static final long LOCK_KEY = 774412;

    private final DataSource dataSource;
    private final S3Objects s3;
    private final GeneratorConfig defaults;
    private final RunSettings runSettings;
    private final AtomicBoolean running = new AtomicBoolean();

    private final PipelineMetrics metrics;

    public GeneratorService(DataSource dataSource, S3Objects s3, GeneratorConfig defaults, RunSettings runSettings,
            PipelineMetrics metrics) {
        this.metrics = metrics;
        this.dataSource = dataSource;
        this.s3 = s3;
        this.defaults = defaults;
        this.runSettings = runSettings;
    }

    public GeneratorConfig defaults() {
        return defaults;
    }

    /** The scheduled run (the route's bean call): the configured defaults; skipped when a run is in progress. */
    public String runScheduled() throws Exception {
        ShopGenerator.RunResult r;
        try {
            r = run(defaults, false);
        } catch (ShopGenerator.Refused e) {
            // the configuration asks for what the shop does not allow: one line, not a stack trace every day
            LOG.warn("Generator run refused: {}", e.getMessage());
            return "refused: " + e.getMessage();
        }
        return r == null ? "skipped: a generator run is in progress" : r.status() + ": " + r.describe();
    }

    /** Runs with {@code config}; returns null when another run holds the lock and {@code failIfBusy} is false. */
    public ShopGenerator.RunResult run(GeneratorConfig config, boolean failIfBusy) throws Exception {
        if (!running.compareAndSet(false, true)) {
            return busy(failIfBusy);
        }
        try (Connection lock = dataSource.getConnection(); Statement s = lock.createStatement()) {
            boolean locked;
            try (ResultSet rs = s.executeQuery("SELECT pg_try_advisory_lock(" + LOCK_KEY + ")")) {
                rs.next();
                locked = rs.getBoolean(1);
            }
            if (!locked) {
                return busy(failIfBusy);
            }
            try {
                GeneratorConfig effective = config.through() != null ? config
                        : config.withThrough(LocalDate.now(ZoneOffset.UTC).minusDays(1));
                return new ShopGenerator(dataSource, s3, effective, runSettings, metrics).run();
            } finally {
                s.execute("SELECT pg_advisory_unlock(" + LOCK_KEY + ")");
            }
        } finally {
            running.set(false);
        }
    }

    private static ShopGenerator.RunResult busy(boolean fail) {
        if (fail) {
            throw new IllegalStateException("another generator run is in progress");
        }
        LOG.warn("Generator run skipped: another run is in progress");
        return null;
    }

    /**
     * The defaults with command-line overrides: {@code mode}, {@code days}, {@code scale}, {@code seed},
     * {@code through}, {@code export-history} (export the initial history too), {@code export} (exports on or off for
     * any run), {@code days-per-commit}. {@code scale} and {@code seed}, when given, win over the history's.
     */
    public GeneratorConfig with(Map<String, String> o) {
        GeneratorConfig d = defaults;
        boolean exportHistory = o.containsKey("export") ? Boolean.parseBoolean(o.get("export"))
                : o.containsKey("export-history") ? Boolean.parseBoolean(o.get("export-history")) : d.exportHistory();
        return new GeneratorConfig(o.getOrDefault("mode", d.mode()),
                o.containsKey("days") ? Integer.parseInt(o.get("days")) : d.historyDays(),
                o.containsKey("scale") ? Double.parseDouble(o.get("scale")) : d.scale(),
                o.containsKey("seed") ? Long.parseLong(o.get("seed")) : d.seed(),
                o.containsKey("through") ? LocalDate.parse(o.get("through")) : d.through(),
                exportHistory,
                o.containsKey("export") ? Boolean.parseBoolean(o.get("export")) : d.exportDaily(),
                d.exportOrderFiles(), d.exportItemFiles(),
                o.containsKey("days") ? Integer.parseInt(o.get("days")) : 0,
                o.containsKey("days-per-commit") ? Integer.parseInt(o.get("days-per-commit")) : d.daysPerCommit(),
                d.returnRate(), java.util.Set.copyOf(o.keySet().stream()
                        .filter(k -> k.equals("scale") || k.equals("seed")).toList()));
    }
}
