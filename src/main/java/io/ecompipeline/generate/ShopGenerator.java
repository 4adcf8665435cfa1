package io.ecompipeline.generate;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import javax.sql.DataSource;

import io.ecompipeline.common.S3Objects;
import io.ecompipeline.observe.PipelineMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Simulates the shop's source systems: one day at a time, customers, products, orders and lines into PostgreSQL
 * schema {@code shop} (COPY), payments and shipments as Parquet in S3, optionally the day's exports under
 * {@code incoming/}. Each day commits atomically together with its row in {@code shop.generated_days}, after its
 * Parquet files and exports are written, so a run resumes after the last committed day. Each day draws from its own
 * {@link SplittableRandom} seeded from the seed and the date, so the same seed and configuration give the same data.
 * <p>
 * This class is the run: its mode (initial, incremental, reload, auto), the days it covers, the commits, the progress
 * lines and the run log under {@code logs/operations/}. The work is done by {@link DaySimulation} (the days, in
 * memory), {@link ShopTables} (PostgreSQL), {@link ParquetUploads} (S3), {@link DayExport} and {@link ExportGate}
 * (the files for the pipeline) and {@link Snapshots}.
 */
public final class ShopGenerator {

    private static final Logger LOG = LoggerFactory.getLogger(ShopGenerator.class);
    static final String[] TABLES = {"customers", "products", "orders", "order_items"};
    /** The run log's {@code records}, in this order. */
    private static final String[] RECORDS = {"customers", "products", "orders", "order_items", "status_updates",
        "payments", "shipments", "export_files"};
    private static final DateTimeFormatter RUN_KEY = DateTimeFormatter.ofPattern("yyyy-MM-dd_HHmmss")
            .withZone(ZoneOffset.UTC);

    private final DataSource dataSource;
    private final S3Objects s3;
    private final String incoming;
    private final long progressEveryMillis;
    private final PipelineMetrics metrics;
    private final ShopTables tables;
    private final ExportGate gate;

    /** The run's configuration; its scale and seed become the history's (see {@link #scaleAndSeed}). */
    private GeneratorConfig config;
    private ShopState state;
    private GeneratorProgress progress;

    public ShopGenerator(DataSource dataSource, S3Objects s3, GeneratorConfig config, RunSettings run,
            PipelineMetrics metrics) {
        this.metrics = metrics;
        this.dataSource = dataSource;
        this.s3 = s3;
        this.config = config;
        this.incoming = run.exportPrefix();
        this.progressEveryMillis = run.progressEveryMillis();
        this.tables = new ShopTables(dataSource);
        this.gate = new ExportGate(s3, run);
    }

    /**
     * A run the shop's state does not allow (incremental on an empty shop, a day after today, an initial run on a
     * complete history): refused before anything is written, with a message that says what to do instead.
     */
    public static final class Refused extends IllegalStateException {

        Refused(String message) {
            super(message);
        }
    }

    /**
     * What a run did. {@code scale} and {@code seed} are the ones it used, {@code settings} says where they came
     * from; {@code upToDate} is the last generated day when there was nothing to generate.
     */
    public record RunResult(String mode, String status, LocalDate firstDay, LocalDate lastDay, int days,
            Map<String, Long> records, long millis, String runLogKey, String error, double scale, long seed,
            String settings) {

        /** The run's outcome in words, for the command's summary line. */
        public String describe() {
            if ("reload".equals(mode)) {
                return "shop reloaded from the snapshots, through " + lastDay;
            }
            if (days == 0) {
                return lastDay == null ? "nothing generated"
                        : "nothing to generate: the shop is up to date through " + lastDay;
            }
            return days + " day(s) " + firstDay + ".." + lastDay + ", " + settings;
        }
    }

    /** A run in progress: what its run log reports, also when it fails. */
    private final class Run {
        final Instant started = Instant.now();
        final String runLogKey = "logs/operations/run_" + RUN_KEY.format(started) + ".json";
        final Map<String, Long> records = new LinkedHashMap<>();
        String mode;
        LocalDate first;
        LocalDate last;
        int days;
        String settings = "";

        Run(String mode) {
            this.mode = mode;
            for (String t : RECORDS) {
                records.put(t, 0L);
            }
        }

        RunResult result(String status, LocalDate lastDay, String error) {
            return new RunResult(mode, status, first, lastDay, days, records,
                    Instant.now().toEpochMilli() - started.toEpochMilli(), runLogKey, error, config.scale(),
                    config.seed(), settings);
        }
    }

    /** The days a run generates and how: exports on or off, days per commit. */
    private record Plan(LocalDate from, LocalDate to, boolean export, int perCommit) {

        long days() {
            return Math.max(0, to.toEpochDay() - from.toEpochDay() + 1);
        }

        /** The exports the run writes: one per commit, when exports are on. */
        int exports() {
            return export ? (int) ((days() + perCommit - 1) / perCommit) : 0;
        }
    }

    public RunResult run() throws Exception {
        Run run = new Run(config.mode());
        try {
            tables.applySchema();
            LocalDate lastDone = tables.lastGeneratedDay();
            if ("auto".equals(run.mode)) {
                run.mode = lastDone == null ? "initial" : "incremental";
            }
            if ("reload".equals(run.mode)) {
                new Snapshots(dataSource, s3).reload(run.records);
                return succeeded(run, tables.lastGeneratedDay());
            }
            refuseImpossible(run.mode, lastDone);
            ShopTables.HistorySettings recorded = tables.historySettings();
            run.settings = scaleAndSeed(recorded, lastDone);
            Plan plan = plan(run, lastDone);
            if (plan.days() == 0) {
                LOG.info("Generator {}: nothing to generate: the shop is up to date through {}", run.mode, lastDone);
                return succeeded(run, lastDone);
            }
            gate.requireCollector(plan.exports(), plan.from());
            state = tables.loadState(config.seed(), lastDone);
            LOG.info("Generator {}: {} day(s) {}..{}, {}, exports {}, {} day(s) per commit", run.mode, plan.days(),
                    plan.from(), plan.to(), run.settings, plan.export() ? "on" : "off", plan.perCommit());
            ShopTables.HistorySettings history = "initial".equals(run.mode) && recorded == null
                    ? new ShopTables.HistorySettings(config.seed(), config.scale(), plan.from()) : null;
            try (GeneratorProgress p = new GeneratorProgress(plan.days(), progressEveryMillis)) {
                progress = p;
                generate(run, plan, history);
                p.doing("done");
                p.log(); // the last line: all days done
            }
            if (run.days > 0) {
                new Snapshots(dataSource, s3).write(run.records);
            }
            return succeeded(run, run.last == null ? lastDone : run.last);
        } catch (Exception e) {
            RunResult r = run.result(e instanceof Refused ? "refused" : "failed", run.last, String.valueOf(
                    e instanceof Refused ? e.getMessage() : e));
            try {
                writeRunLog(r, run.started);
            } catch (RuntimeException logFailure) {
                e.addSuppressed(logFailure);
            }
            throw e;
        }
    }

    /** Incremental on an empty shop, a day after today, or a history already complete: refused. */
    private void refuseImpossible(String mode, LocalDate lastDone) {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        if (config.through().isAfter(today)) {
            throw new Refused("through " + config.through() + " is after today (" + today + "): the generator "
                    + "simulates days that have passed");
        }
        if ("incremental".equals(mode) && lastDone == null) {
            throw new Refused("mode incremental: the shop is empty, there is no history to continue; generate it "
                    + "first with --mode initial (or auto)");
        }
        if ("initial".equals(mode) && lastDone != null && !lastDone.isBefore(config.through())) {
            throw new Refused("mode initial: the shop already holds data through " + lastDone
                    + " (use incremental or reload)");
        }
    }

    /**
     * The scale and seed the run uses: those given on the command line, else those the history was generated with
     * (recorded by its initial run), else the configured ones. Returns where they came from, for the log and the
     * summary line.
     */
    private String scaleAndSeed(ShopTables.HistorySettings recorded, LocalDate lastDone) {
        boolean scaleGiven = config.given().contains("scale");
        boolean seedGiven = config.given().contains("seed");
        double scale = scaleGiven || recorded == null ? config.scale() : recorded.scale();
        long seed = seedGiven || recorded == null ? config.seed() : recorded.seed();
        String otherwise = recorded != null ? "the history's"
                : lastDone == null ? "configured; recorded as the history's"
                : "configured; the shop has no recorded scale and seed";
        String scaleFrom = scaleGiven ? given(recorded == null || recorded.scale() == scale ? null
                : "the history's is " + recorded.scale()) : otherwise;
        String seedFrom = seedGiven ? given(recorded == null || recorded.seed() == seed ? null
                : "the history's is " + recorded.seed()) : otherwise;
        config = config.withScaleAndSeed(scale, seed);
        return scaleFrom.equals(seedFrom) ? "scale " + scale + " and seed " + seed + " (" + scaleFrom + ")"
                : "scale " + scale + " (" + scaleFrom + "), seed " + seed + " (" + seedFrom + ")";
    }

    private static String given(String note) {
        return note == null ? "given" : "given; " + note;
    }

    private RunResult succeeded(Run run, LocalDate lastDay) {
        RunResult r = run.result("success", lastDay, null);
        writeRunLog(r, run.started);
        return r;
    }

    /**
     * The days after the last committed one, through {@code through} (at most {@code max-days} for a run that
     * continues). An initial run that was interrupted is resumed by running it again: still the history (exports as
     * for the history), from the day after the last committed one.
     */
    private Plan plan(Run run, LocalDate lastDone) {
        if ("initial".equals(run.mode) && lastDone != null) {
            LOG.info("Generator initial: resuming the history after {}", lastDone);
        }
        LocalDate from = lastDone == null ? config.through().minusDays(config.historyDays() - 1L)
                : lastDone.plusDays(1);
        LocalDate to = config.through();
        if (config.maxDays() > 0 && lastDone != null && from.plusDays(config.maxDays() - 1L).isBefore(to)) {
            to = from.plusDays(config.maxDays() - 1L);
        }
        boolean export = "initial".equals(run.mode) ? config.exportHistory() : config.exportDaily();
        // exports read the database as of their day, so exporting runs commit day by day
        int perCommit = export ? 1 : Math.max(1, config.daysPerCommit());
        return new Plan(from, to, export, perCommit);
    }

    /** The plan's days, {@code perCommit} at a time; {@code history} is recorded with the first commit, if any. */
    private void generate(Run run, Plan plan, ShopTables.HistorySettings history) throws Exception {
        try (ParquetUploads parquet = new ParquetUploads(s3)) {
            for (LocalDate d = plan.from(); !d.isAfter(plan.to()); ) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException("generator interrupted before " + d);
                }
                LocalDate end = d.plusDays(plan.perCommit() - 1L).isAfter(plan.to()) ? plan.to()
                        : d.plusDays(plan.perCommit() - 1L);
                if (plan.export()) {
                    progress.doing("waiting for the pipeline to collect the export before " + d);
                    gate.awaitPreviousCollected(d);
                }
                Map<String, Long> chunk = commitDays(d, end, plan.export(), parquet, run.first == null ? history
                        : null);
                chunk.forEach((k, v) -> run.records.merge(k, v, Long::sum));
                chunk.forEach((table, rows) -> {
                    if (!"export_files".equals(table)) { // a count of files, not of rows
                        metrics.generatorRows(table, rows);
                    }
                });
                if (run.first == null) {
                    run.first = d;
                }
                run.last = end;
                run.days += (int) (end.toEpochDay() - d.toEpochDay() + 1);
                progress.committed(run.days, run.records);
                d = end.plusDays(1);
            }
        }
    }

    /**
     * Simulates {@code from..to} and commits them in one transaction: every row is written once, in its state as of
     * {@code to}, so a commit of several days writes the same tables as several commits of one day. Parquet files and
     * exports are written before the commit. Returns the rows (and export files) per table.
     */
    private Map<String, Long> commitDays(LocalDate from, LocalDate to, boolean export, ParquetUploads parquet,
            ShopTables.HistorySettings history) throws Exception {
        DaySimulation simulation = new DaySimulation(config, state);
        DaySimulation.Commit commit = simulation.simulate((int) from.toEpochDay(), (int) to.toEpochDay(), day -> {
            parquet.upload(day);
            progress.simulated(day.date());
        });
        List<String> exported = List.of();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                progress.doing("writing " + from + ".." + to + " to PostgreSQL");
                ShopTables.write(c, commit);
                if (export) {
                    progress.doing("exporting " + to);
                    exported = new DayExport(c, s3, incoming, config.exportOrderFiles(), config.exportItemFiles())
                            .write(to, commit.changedOrderIds);
                }
                ShopTables.markGenerated(c, commit);
                if (history != null) {
                    ShopTables.recordHistorySettings(c, history);
                }
                progress.doing("waiting for the Parquet files of " + from + ".." + to);
                parquet.awaitAll(); // a day is marked done only after its Parquet files exist
                progress.doing("committing " + from + ".." + to);
                c.commit();
                gate.exported(exported);
            } catch (Exception e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (Exception e) {
            parquet.cancelAll();
            // the in-memory view no longer matches the database: reload it before anything else
            try {
                state = tables.loadState(config.seed(), tables.lastGeneratedDay());
            } catch (Exception reload) {
                e.addSuppressed(reload);
            }
            throw e;
        }
        simulation.committed();
        Map<String, Long> counts = new LinkedHashMap<>(commit.counts);
        counts.put("export_files", (long) exported.size());
        return counts;
    }

    private void writeRunLog(RunResult r, Instant started) {
        StringBuilder j = new StringBuilder("{");
        j.append("\"run_date\":\"").append(started).append('"');
        j.append(",\"mode\":\"").append(r.mode()).append('"');
        j.append(",\"status\":\"").append(r.status()).append('"');
        j.append(",\"first_processed_date\":").append(r.firstDay() == null ? "null" : "\"" + r.firstDay() + "\"");
        j.append(",\"last_processed_date\":").append(r.lastDay() == null ? "null" : "\"" + r.lastDay() + "\"");
        j.append(",\"days\":").append(r.days());
        j.append(",\"seed\":").append(r.seed()).append(",\"scale\":").append(r.scale());
        j.append(",\"settings\":\"").append(r.settings()).append('"');
        j.append(",\"duration_ms\":").append(r.millis());
        j.append(",\"records\":{");
        boolean firstEntry = true;
        for (Map.Entry<String, Long> e : r.records().entrySet()) {
            j.append(firstEntry ? "" : ",").append('"').append(e.getKey()).append("\":").append(e.getValue());
            firstEntry = false;
        }
        j.append('}');
        if (r.error() != null) {
            j.append(",\"error\":\"").append(r.error().replace("\\", "\\\\").replace("\"", "\\\"")
                    .replace("\n", "\\n")).append('"');
        }
        j.append("}\n");
        s3.put(r.runLogKey(), j.toString().getBytes(StandardCharsets.UTF_8), "application/json");
        LOG.info("Generator run {} {}: {}, {} -> {}", r.mode(), r.status(),
                r.error() != null ? r.error() : r.describe(), r.records(), r.runLogKey());
    }
}
