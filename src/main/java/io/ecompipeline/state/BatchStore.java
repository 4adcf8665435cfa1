package io.ecompipeline.state;

import java.sql.Array;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecompipeline.common.Hashes;
import io.ecompipeline.common.Jdbc;
import io.ecompipeline.model.BatchFile;
import io.ecompipeline.model.FileArrival;
import io.ecompipeline.model.FileKind;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The batch records in PostgreSQL: which files a batch holds, in what order they are read, and how far it got. */
public class BatchStore {

    /** The tables that hold a batch's rows between validation and finish (docs/data.md "What happens to a file"). */
    private static final List<String> STAGING = List.of("stage_products", "stage_orders", "stage_lines",
            "stage_rejects");

    private static final Logger LOG = LoggerFactory.getLogger(BatchStore.class);
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();

    public static final String COLLECTED = "collected";
    public static final String VALIDATED = "validated";
    public static final String CHECKED = "checked";
    public static final String APPLIED = "applied";
    public static final String LOADED = "loaded";
    /** The curated zone holds the batch's touched dates (a status never reached with pipeline.curated.enabled off). */
    public static final String CURATED = "curated";
    public static final String FINISHED = "finished";
    public static final String DEAD_LETTERED = "dead_lettered";
    private static final List<String> PROGRESS = List.of(COLLECTED, VALIDATED, CHECKED, APPLIED, LOADED, CURATED,
            FINISHED);

    private final DataSource dataSource;

    public BatchStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Records a closed batch from its manifest and returns its id. The id is derived from the manifest (files and
     * arrival times), so opening the same manifest again (a redelivery after a crash) returns the same batch.
     */
    public String open(String manifest) throws SQLException {
        List<FileArrival> arrivals = new ArrayList<>(FileArrival.fromManifest(manifest));
        if (arrivals.isEmpty()) {
            return null;
        }
        arrivals.sort(readOrder());
        long firstArrival = arrivals.stream().mapToLong(FileArrival::arrivedAt).min().orElse(System.currentTimeMillis());
        String batchId = batchId(firstArrival, arrivals);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement batch = c.prepareStatement(
                    "INSERT INTO pipeline.batches (batch_id, status, first_arrival) VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
                    PreparedStatement file = c.prepareStatement("INSERT INTO pipeline.batch_files "
                            + "(batch_id, incoming_key, collected_key, kind, size_bytes, read_order) "
                            + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                batch.setString(1, batchId);
                batch.setString(2, COLLECTED);
                batch.setTimestamp(3, Timestamp.from(Instant.ofEpochMilli(firstArrival)));
                batch.executeUpdate();
                int order = 0;
                for (FileArrival a : arrivals) {
                    file.setString(1, batchId);
                    file.setString(2, a.incomingKey());
                    file.setString(3, a.collectedKey());
                    file.setString(4, FileKind.ofName(a.incomingKey()).map(FileKind::label).orElse(null));
                    file.setLong(5, a.size());
                    file.setInt(6, order++);
                    file.addBatch();
                }
                file.executeBatch();
            }
            c.commit();
        }
        LOG.info("[{}] Batch closed with {} files", batchId, arrivals.size());
        return batchId;
    }

    /** Catalog files first, then orders, then items, each by key; unrecognised names last. */
    static Comparator<FileArrival> readOrder() {
        return Comparator.<FileArrival>comparingInt(a -> FileKind.ofName(a.incomingKey()).map(Enum::ordinal).orElse(9))
                .thenComparing(FileArrival::incomingKey)
                .thenComparingLong(FileArrival::arrivedAt);
    }

    static String batchId(long firstArrival, List<FileArrival> arrivals) {
        // hashed in the pre-JSON line format where it applies, so a batch recorded before an upgrade and
        // redelivered after it keeps its id: the identities, sorted, each followed by a newline
        String identities = arrivals.stream().map(FileArrival::identity).sorted().map(k -> k + "\n")
                .collect(Collectors.joining());
        return ID_TIME.format(Instant.ofEpochMilli(firstArrival)) + "-" + Hashes.sha256Hex(identities, 3);
    }

    public List<BatchFile> files(@Header("batchId") String batchId) throws SQLException {
        List<BatchFile> files = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT * FROM pipeline.batch_files WHERE batch_id = ? ORDER BY read_order")) {
            s.setString(1, batchId);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    files.add(file(batchId, r));
                }
            }
        }
        return files;
    }

    /** One file of a batch, by its key under collected/. */
    public BatchFile file(String batchId, String collectedKey) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT * FROM pipeline.batch_files WHERE batch_id = ? AND collected_key = ?")) {
            s.setString(1, batchId);
            s.setString(2, collectedKey);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    throw new IllegalArgumentException("Batch " + batchId + " has no file " + collectedKey);
                }
                return file(batchId, r);
            }
        }
    }

    /** The keys (under collected/) of the batch's files that are not validated yet, in read order. */
    public List<String> filesToValidate(@Header("batchId") String batchId) throws SQLException {
        List<String> keys = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT collected_key FROM pipeline.batch_files WHERE batch_id = ? AND outcome IS NULL ORDER BY read_order")) {
            s.setString(1, batchId);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    keys.add(r.getString(1));
                }
            }
        }
        return keys;
    }

    private static BatchFile file(String batchId, ResultSet r) throws SQLException {
        return new BatchFile(batchId, r.getString("incoming_key"), r.getString("collected_key"), r.getString("kind"),
                r.getLong("size_bytes"), r.getInt("read_order"), r.getString("outcome"), r.getString("reason"),
                r.getString("detail"), r.getLong("rows_read"), r.getLong("rows_accepted"),
                readCounts(r.getString("rejected")), r.getString("rejected_key"), r.getString("final_key"));
    }

    private static Map<String, Long> readCounts(String json) {
        try {
            return JSON.readValue(json, new TypeReference<LinkedHashMap<String, Long>>() {
            });
        } catch (Exception e) {
            throw new IllegalStateException("Unreadable rejected counts: " + json, e);
        }
    }

    /** Records what validation made of a file, on the caller's connection (inside the file's staging transaction). */
    public void recordValidation(Connection c, BatchFile file) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "UPDATE pipeline.batch_files SET outcome = ?, reason = ?, detail = ?, rows_read = ?, rows_accepted = ?, "
                        + "rejected = ?::jsonb, rejected_key = ? WHERE batch_id = ? AND collected_key = ?")) {
            s.setString(1, file.outcome());
            s.setString(2, file.reason());
            s.setString(3, file.detail());
            s.setLong(4, file.rowsRead());
            s.setLong(5, file.rowsAccepted());
            s.setString(6, JSON.writeValueAsString(file.rejected()));
            s.setString(7, file.rejectedKey());
            s.setString(8, file.batchId());
            s.setString(9, file.collectedKey());
            s.executeUpdate();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public void recordFinalKey(BatchFile file, String finalKey) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "UPDATE pipeline.batch_files SET final_key = ? WHERE batch_id = ? AND collected_key = ?")) {
            s.setString(1, finalKey);
            s.setString(2, file.batchId());
            s.setString(3, file.collectedKey());
            s.executeUpdate();
        }
    }

    public String status(String batchId) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT status FROM pipeline.batches WHERE batch_id = ?")) {
            s.setString(1, batchId);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    throw new IllegalArgumentException("Unknown batch " + batchId);
                }
                return r.getString(1);
            }
        }
    }

    /** True when the batch has already passed {@code step} (so redoing it is skipped). */
    public boolean isPast(@Header("batchId") String batchId, String step) throws SQLException {
        return PROGRESS.indexOf(status(batchId)) >= PROGRESS.indexOf(step);
    }

    public void markStatus(@Header("batchId") String batchId, String status) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "UPDATE pipeline.batches SET status = ?, error = CASE WHEN ? = 'dead_lettered' THEN error END, "
                        + "updated_at = now() WHERE batch_id = ?")) {
            s.setString(1, status);
            s.setString(2, status);
            s.setString(3, batchId);
            s.executeUpdate();
        }
        LOG.info("Batch {}", status);
    }

    /**
     * The oldest closed batch that has not ended (finished or dead-lettered), or null when there is none or when that
     * batch is backing off after a failure (it keeps its place: batches apply in the order they closed). The wait
     * after the n-th failed attempt is {@code retryInterval × 2^(n-1)}, at most 16 × retryInterval, with ±20% jitter.
     */
    public String nextPending(Duration retryInterval) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                SELECT batch_id, error IS NOT NULL, attempts, EXTRACT(EPOCH FROM now() - updated_at) * 1000
                  FROM pipeline.batches WHERE status NOT IN ('finished', 'dead_lettered')
                 ORDER BY first_arrival, batch_id LIMIT 1""")) {
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return null;
                }
                if (r.getBoolean(2)) {
                    long backoff = retryInterval.toMillis() << Math.min(4, Math.max(0, r.getInt(3) - 1));
                    double jitter = 0.8 + 0.4 * java.util.concurrent.ThreadLocalRandom.current().nextDouble();
                    if (r.getDouble(4) < backoff * jitter) {
                        return null;
                    }
                }
                return r.getString(1);
            }
        }
    }

    /**
     * Counts a start of the batch and returns how many there were, crashed ones included: a batch whose processing
     * kills its process every time is stopped by this count ({@code pipeline.batch.max-starts}), not by its attempts.
     */
    public int startRun(String batchId) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "UPDATE pipeline.batches SET starts = starts + 1 WHERE batch_id = ? RETURNING starts")) {
            s.setString(1, batchId);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        }
    }

    /** Failed attempts of the batch: steps that failed (a crash is not the batch's fault and does not count). */
    public int attempts(String batchId) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT attempts FROM pipeline.batches WHERE batch_id = ?")) {
            s.setString(1, batchId);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getInt(1) : 0;
            }
        }
    }

    /** Records a failed attempt: its error (shown in the dead-letter message) and one more attempt used. */
    public void markFailed(@Header("batchId") String batchId, String error) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "UPDATE pipeline.batches SET error = ?, attempts = attempts + 1, updated_at = now() WHERE batch_id = ?")) {
            s.setString(1, error == null ? "unknown error" : error);
            s.setString(2, batchId);
            s.executeUpdate();
        }
    }

    /**
     * Before a batch's validation: the staging tables keep its rows only. One batch is processed at a time, so
     * anything else there was left by a batch that was dead-lettered or cut short. A batch none of whose files was
     * staged yet (the usual case) empties the tables with TRUNCATE, which also hands back the space of the previous
     * batch's rows: deleted rows would stay in the tables until autovacuum, and every scan of the next batch's rows
     * would read them (a 10,000-line batch after a 5M-line one took 1.4 s over its batch rules instead of 0.06 s).
     * {@code pipeline.stage_batches} records whose rows the tables hold. When it records this batch alone there is
     * nothing to clear (rows are only staged for a recorded batch), so this is cheap to call before each file: in Step
     * Functions mode every file's activity task calls it, as the files may be validated in any order on any worker.
     */
    public void clearStagingExcept(@Header("batchId") String batchId) throws SQLException {
        inStagingLock(c -> {
            List<String> recorded = recordedStagingBatches(c);
            if (recorded.equals(List.of(batchId))) {
                return;
            }
            boolean staged = recorded.contains(batchId)
                    || exists(c, "SELECT 1 FROM pipeline.batch_files WHERE batch_id = ? AND outcome IS NOT NULL",
                            batchId);
            if (staged) {
                deleteStaged(c, "batch_id <> ?", batchId);
            } else {
                truncateStaging(c);
            }
            Jdbc.update(c, "DELETE FROM pipeline.stage_batches WHERE batch_id <> ?", batchId);
            Jdbc.update(c, "INSERT INTO pipeline.stage_batches (batch_id) VALUES (?) ON CONFLICT DO NOTHING", batchId);
        });
    }

    /**
     * Drops the batch's staged and rejected rows (once they are applied and written, or the batch gave up): TRUNCATE
     * when no other batch's rows are recorded there, else a DELETE of its own.
     */
    public void clearStaging(@Header("batchId") String batchId) throws SQLException {
        inStagingLock(c -> {
            if (exists(c, "SELECT 1 FROM pipeline.stage_batches WHERE batch_id <> ?", batchId)) {
                deleteStaged(c, "batch_id = ?", batchId);
            } else {
                truncateStaging(c);
            }
            Jdbc.update(c, "DELETE FROM pipeline.stage_batches WHERE batch_id = ?", batchId);
        });
    }

    private interface StagingWork {
        void run(Connection c) throws SQLException;
    }

    private void inStagingLock(StagingWork work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Jdbc.update(c, "LOCK TABLE pipeline.stage_batches IN EXCLUSIVE MODE");
                work.run(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private static List<String> recordedStagingBatches(Connection c) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT batch_id FROM pipeline.stage_batches");
                ResultSet r = s.executeQuery()) {
            while (r.next()) {
                ids.add(r.getString(1));
            }
        }
        return ids;
    }

    private static void truncateStaging(Connection c) throws SQLException {
        Jdbc.update(c, "TRUNCATE " + String.join(", ", STAGING.stream().map(t -> "pipeline." + t).toList()));
    }

    private static void deleteStaged(Connection c, String where, String batchId) throws SQLException {
        for (String table : STAGING) {
            Jdbc.update(c, "DELETE FROM pipeline." + table + " WHERE " + where, batchId);
        }
    }

    private static boolean exists(Connection c, String sql, String batchId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, batchId);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    /** The order dates whose KPIs the batch changed, ascending (as SQL dates, for the KPI queries). */
    /** Orders whose order_date the batch changed: how many, and the first few as a JSON array. */
    public record MovedOrders(long count, String examplesJson) {
    }

    public MovedOrders movedOrders(String batchId) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT orders_moved, moved_examples::text FROM pipeline.batches WHERE batch_id = ?")) {
            s.setString(1, batchId);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? new MovedOrders(r.getLong(1), r.getString(2)) : new MovedOrders(0, "[]");
            }
        }
    }

    public List<Date> touchedDates(@Header("batchId") String batchId) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT touched_dates FROM pipeline.batches WHERE batch_id = ?")) {
            s.setString(1, batchId);
            try (ResultSet r = s.executeQuery()) {
                List<Date> dates = new ArrayList<>();
                if (r.next()) {
                    Array array = r.getArray(1);
                    for (Object d : (Object[]) array.getArray()) {
                        dates.add((Date) d);
                    }
                }
                dates.sort(null);
                return dates;
            }
        }
    }

    /** The dead-letter message of a batch that gave up: its id, how far it got, its last error and its files. */
    public String deadLetterMessage(@Header("batchId") String batchId) throws Exception {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("batch_id", batchId);
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT status, error FROM pipeline.batches WHERE batch_id = ?")) {
            s.setString(1, batchId);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                message.put("status", r.getString(1));
                message.put("error", r.getString(2));
            }
        }
        List<Map<String, String>> files = new ArrayList<>();
        for (BatchFile f : files(batchId)) {
            files.add(Map.of("key", f.incomingKey(), "collected_key", f.collectedKey()));
        }
        message.put("files", files);
        return JSON.writeValueAsString(message);
    }

    public boolean catalogKnown() {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT EXISTS (SELECT 1 FROM pipeline.catalog)"); ResultSet r = s.executeQuery()) {
            r.next();
            return r.getBoolean(1);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read the catalog state: " + e.getMessage(), e);
        }
    }
}
