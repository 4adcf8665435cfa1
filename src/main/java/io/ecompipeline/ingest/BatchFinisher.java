package io.ecompipeline.ingest;

import java.io.IOException;
import java.sql.Date;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ecompipeline.common.S3Keys;
import io.ecompipeline.common.S3Objects;
import io.ecompipeline.common.S3Prefixes;
import io.ecompipeline.model.BatchFile;
import io.ecompipeline.observe.PipelineMetrics;
import io.ecompipeline.state.BatchStore;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a batch: every file goes to {@code archive/<batch-id>/} or, with an {@code .error.json} beside it, to
 * {@code quarantine/<batch-id>/} (copy, verify, then delete), and the quality report goes to
 * {@code reports/<batch-id>.json}. Repeating it after a crash finishes what is left.
 */
public class BatchFinisher {

    private static final Logger LOG = LoggerFactory.getLogger(BatchFinisher.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final S3Objects s3;
    private final BatchStore batches;
    private final String incomingPrefix;
    private final String collectedPrefix;
    private final String archivePrefix;
    private final String quarantinePrefix;
    private final String reportsPrefix;
    private final PipelineMetrics metrics;

    public BatchFinisher(S3Objects s3, BatchStore batches, S3Prefixes prefixes, PipelineMetrics metrics) {
        this.s3 = s3;
        this.batches = batches;
        this.incomingPrefix = prefixes.incoming();
        this.collectedPrefix = prefixes.collected();
        this.archivePrefix = prefixes.archive();
        this.quarantinePrefix = prefixes.quarantine();
        this.reportsPrefix = prefixes.reports();
        this.metrics = metrics;
    }

    public Map<String, Object> finish(@Header("batchId") String batchId) throws Exception {
        List<BatchFile> files = batches.files(batchId);
        Set<String> used = new HashSet<>();
        int archived = 0;
        for (BatchFile f : files) {
            boolean quarantined = !BatchFile.ARCHIVED.equals(f.outcome());
            String finalKey = f.finalKey() != null ? f.finalKey() : finalKey(f, quarantined, used);
            used.add(finalKey);
            if (quarantined) {
                s3.put(finalKey + ".error.json", JSON.writeValueAsBytes(errorOf(f)), "application/json");
            }
            s3.moveVerified(f.collectedKey(), finalKey);
            if (f.finalKey() == null) {
                batches.recordFinalKey(f, finalKey);
            }
            archived += quarantined ? 0 : 1;
        }
        List<BatchFile> ended = batches.files(batchId);
        BatchStore.MovedOrders moved = batches.movedOrders(batchId);
        Map<String, Object> report = report(batchId, ended, batches.touchedDates(batchId), moved);
        s3.put(reportsPrefix + batchId + ".json", JSON.writeValueAsBytes(report), "application/json");
        batches.markStatus(batchId, BatchStore.FINISHED);
        metrics.batchFinished(ended, moved.count());
        LOG.info("Finished: {} files archived, {} quarantined, report {}{}.json", archived,
                files.size() - archived, reportsPrefix, batchId);
        return report;
    }

    private String finalKey(BatchFile f, boolean quarantined, Set<String> used) {
        String relative = f.incomingKey().startsWith(incomingPrefix)
                ? f.incomingKey().substring(incomingPrefix.length()) : f.fileName();
        String base = (quarantined ? quarantinePrefix : archivePrefix) + f.batchId() + "/";
        String key = S3Keys.fit(base, relative);
        if (used.contains(key)) {
            // the same name arrived twice in one batch: keep both, the second under its arrival id
            String arrival = arrivalId(f.collectedKey());
            key = S3Keys.fit(base + arrival + "/", relative);
        }
        return key;
    }

    /**
     * The arrival id of a collected key ({@code <collected-prefix><arrival-id>/<name>}): the segment after the
     * configured prefix, whatever the prefix and the name hold.
     */
    private String arrivalId(String collectedKey) {
        String rest = collectedKey.startsWith(collectedPrefix) ? collectedKey.substring(collectedPrefix.length())
                : collectedKey;
        int slash = rest.indexOf('/');
        return slash > 0 ? rest.substring(0, slash) : Integer.toHexString(collectedKey.hashCode());
    }

    private static Map<String, Object> errorOf(BatchFile f) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("file", f.incomingKey());
        error.put("batch_id", f.batchId());
        error.put("reason", f.reason());
        error.put("detail", f.detail());
        error.put("size_bytes", f.size());
        return error;
    }

    static Map<String, Object> report(String batchId, List<BatchFile> files, List<Date> touched,
            BatchStore.MovedOrders moved) throws IOException {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("batch_id", batchId);
        report.put("finished_at", Instant.now().toString());
        report.put("totals", totals(files));
        report.put("files", files.stream().map(BatchFinisher::fileEntry).toList());
        report.put("order_dates_changed", touched.stream().map(d -> d.toLocalDate().toString()).toList());
        // orders an earlier batch gave another order_date: their KPIs moved from one date to the other
        Map<String, Object> movedOrders = new LinkedHashMap<>();
        movedOrders.put("count", moved.count());
        movedOrders.put("examples", JSON.readTree(moved.examplesJson()));
        report.put("orders_moved", movedOrders);
        return report;
    }

    private static Map<String, Object> totals(List<BatchFile> files) {
        long quarantined = files.stream().filter(f -> !BatchFile.ARCHIVED.equals(f.outcome())).count();
        Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("files", files.size());
        totals.put("archived", files.size() - quarantined);
        totals.put("quarantined", quarantined);
        totals.put("rows_read", files.stream().mapToLong(BatchFile::rowsRead).sum());
        totals.put("rows_accepted", files.stream().mapToLong(BatchFile::rowsAccepted).sum());
        totals.put("rows_rejected", files.stream().mapToLong(BatchFile::rowsRejected).sum());
        return totals;
    }

    private static Map<String, Object> fileEntry(BatchFile f) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("key", f.incomingKey());
        e.put("kind", f.kind());
        e.put("outcome", f.outcome());
        e.put("reason", f.reason());
        e.put("detail", f.detail());
        e.put("stored_at", f.finalKey());
        e.put("size_bytes", f.size());
        e.put("rows_read", f.rowsRead());
        e.put("rows_accepted", f.rowsAccepted());
        e.put("rows_rejected", f.rowsRejected());
        e.put("rejected_by_reason", f.rejected());
        e.put("rejected_rows", f.rejectedKey());
        return e;
    }
}
