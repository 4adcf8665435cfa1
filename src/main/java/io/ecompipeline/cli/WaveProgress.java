package io.ecompipeline.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecompipeline.common.S3Objects;
import io.ecompipeline.common.S3Prefixes;
import io.ecompipeline.orchestrate.PendingBatches;
import io.ecompipeline.validate.FileValidator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Progress of {@code ingest} and {@code demo} for a person watching: files uploaded and collected, rows validated
 * and rows/s while a wave's batch runs (every {@code pipeline.progress-every}), and a line per finished batch with
 * its rows, rows/s and the batches done so far.
 */
final class WaveProgress {

    private static final Logger LOG = LoggerFactory.getLogger(WaveProgress.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final S3Objects s3;
    private final FileValidator validator;
    private final String incomingPrefix;
    private final String reportsPrefix;
    private final Duration every;
    private final int waves;

    private int wave;
    private String waveName;
    private Set<String> keys = Set.of();
    private int uploaded;
    private long waveStarted;
    private long lastUploadReport;
    private long rowsAtStart;
    private long allCollectedAt;

    WaveProgress(S3Objects s3, FileValidator validator, S3Prefixes prefixes, Duration every, int waves) {
        this.s3 = s3;
        this.validator = validator;
        this.incomingPrefix = prefixes.incoming();
        this.reportsPrefix = prefixes.reports();
        // listing incoming/ more than ten times a second tells a person nothing more
        this.every = every.compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100) : every;
        this.waves = waves;
    }

    Duration every() {
        return every;
    }

    void startWave(int number, Path folder, List<Path> files) {
        wave = number;
        waveName = String.valueOf(folder.getFileName());
        keys = new HashSet<>();
        files.forEach(f -> keys.add(incomingPrefix + f.getFileName()));
        uploaded = 0;
        waveStarted = System.nanoTime();
        lastUploadReport = waveStarted;
        rowsAtStart = validator.rowsValidated();
        allCollectedAt = 0;
    }

    synchronized void uploaded() {
        uploaded++;
        long now = System.nanoTime();
        if (now - lastUploadReport >= every.toNanos() && uploaded < keys.size()) {
            lastUploadReport = now;
            LOG.info("Wave {}/{} ({}): {}/{} files uploaded", wave, waves, waveName, uploaded, keys.size());
        }
    }

    /** Called every {@code every} while the wave's batch has not ended. */
    void waiting() {
        int waitingInIncoming = 0;
        for (S3Object o : s3.list(incomingPrefix)) {
            waitingInIncoming += keys.contains(o.key()) ? 1 : 0;
        }
        if (waitingInIncoming > 0) {
            LOG.info("Wave {}/{} ({}): {}/{} files collected", wave, waves, waveName, keys.size() - waitingInIncoming,
                    keys.size());
            return;
        }
        long now = System.nanoTime();
        if (allCollectedAt == 0) {
            allCollectedAt = now;
        }
        long rows = validator.rowsValidated() - rowsAtStart;
        LOG.info(String.format(Locale.ROOT, "Wave %d/%d (%s): %d/%d files collected; batch running, %,d rows "
                + "validated (%,.0f rows/s)", wave, waves, waveName, keys.size(), keys.size(), rows,
                rows / Math.max((now - allCollectedAt) / 1e9, 0.001)));
    }

    void batchDone(String batchId, int batchesDone) {
        double seconds = (System.nanoTime() - waveStarted) / 1e9;
        long rows = -1;
        try {
            JsonNode report = JSON.readTree(s3.read(reportKey(batchId)));
            rows = report.path("totals").path("rows_read").asLong();
        } catch (Exception e) {
            // the report is read again for the output; the progress line goes without its row count
        }
        try (MDC.MDCCloseable ignored = MDC.putCloseable(PendingBatches.BATCH_ID, batchId)) {
            LOG.info(String.format(Locale.ROOT, "Wave %d/%d (%s) done in %.1f s: %d files, %s; batches done %d",
                    wave, waves, waveName, seconds, keys.size(), rows < 0 ? "rows unknown"
                            : String.format(Locale.ROOT, "%,d rows (%,.0f rows/s)", rows, rows / Math.max(seconds, 0.001)),
                    batchesDone));
        }
    }

    private String reportKey(String batchId) {
        return reportsPrefix + batchId + ".json";
    }
}
