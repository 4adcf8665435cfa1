package io.ecompipeline.generate;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The progress lines of a run, every {@code pipeline.progress-every} from a timer, whatever the run is doing: a
 * commit of 30 days takes a while between its first simulated day and its end, so lines only at commits would leave
 * a long run silent. Each line says the days committed and simulated, what the run is doing now, rows/s per table
 * and the ETA. The run reports to it; it never touches the run.
 */
final class GeneratorProgress implements AutoCloseable {

    /** The generator's logger, so that its lines show among the run's others. */
    private static final Logger LOG = LoggerFactory.getLogger(ShopGenerator.class);

    private final long total;
    private final long started = System.nanoTime();
    private final ScheduledExecutorService timer;
    private int simulated;
    private int committed;
    private String doing = "starting";
    private Map<String, Long> records = Map.of();

    GeneratorProgress(long totalDays, long everyMillis) {
        this.total = totalDays;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "generator-progress");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(1, everyMillis);
        timer.scheduleAtFixedRate(this::log, every, every, TimeUnit.MILLISECONDS);
    }

    /** A day is simulated in memory (not committed yet). */
    synchronized void simulated(String day) {
        simulated++;
        doing = "simulating " + day;
    }

    /** What the run does now: writing to PostgreSQL, exporting, waiting for Parquet files or the pipeline. */
    synchronized void doing(String what) {
        doing = what;
    }

    /** Days committed so far and the records they hold. */
    synchronized void committed(int days, Map<String, Long> recordsSoFar) {
        committed = days;
        records = new LinkedHashMap<>(recordsSoFar);
    }

    /** One progress line now. */
    synchronized void log() {
        double secs = Math.max(1e-9, (System.nanoTime() - started) / 1e9);
        StringBuilder rates = new StringBuilder();
        for (String t : ShopGenerator.TABLES) {
            rates.append(' ').append(t).append(' ').append(Math.round(records.getOrDefault(t, 0L) / secs))
                    .append("/s");
        }
        int done = Math.max(simulated, committed);
        String eta = done == 0 ? "?" : Long.toString(Math.round(secs / done * (total - done)));
        LOG.info("Generator progress: {}/{} days committed ({} simulated), now {},{}, ETA {}s", committed, total,
                simulated, doing, rates, eta);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
