package io.ecompipeline.validate;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import javax.sql.DataSource;

import io.ecompipeline.common.Jdbc;
import io.ecompipeline.common.S3Keys;
import io.ecompipeline.model.BatchFile;
import io.ecompipeline.model.FileKind;
import io.ecompipeline.state.BatchStore;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules of docs/contract.md §3 across the files of a batch, run as set-based SQL over the staged rows once every
 * file is staged: a repeated {@code order_id} (the first by file read order and line is kept), items whose order
 * ({@code unknown_order}) or product ({@code unknown_product}) is in neither this batch nor the state. The state is
 * probed through its primary keys, so nothing here grows with the history. Rows rejected here move to the rejected
 * rows with their file and line (their raw text is read back from the file when the rejected file is written). Then
 * each file's counts are final, and with {@code max-rejected-share} set, a file over it is quarantined (in read order,
 * so a quarantined orders file's orders no longer count as this batch's). One transaction, together with the batch's
 * status change: the rules apply once.
 */
public class BatchRules {

    private static final Logger LOG = LoggerFactory.getLogger(BatchRules.class);

    private static final String CLAIM = """
            UPDATE pipeline.batches SET status = 'checked', updated_at = now()
             WHERE batch_id = ? AND status = 'validated'""";
    /** Repeated order ids: every occurrence but the first (by file read order, then line) is rejected. */
    private static final String DUPLICATES = """
            WITH repeated AS (SELECT order_id FROM pipeline.stage_orders WHERE batch_id = ?
                               GROUP BY order_id HAVING count(*) > 1),
                 ranked AS (SELECT s.file_order, s.line, s.order_id,
                                   row_number() OVER (PARTITION BY s.order_id ORDER BY s.file_order, s.line) AS rank
                              FROM pipeline.stage_orders s JOIN repeated USING (order_id) WHERE s.batch_id = ?)
            """;
    private static final String DUPLICATES_PER_FILE = DUPLICATES
            + "SELECT file_order, count(*) FROM ranked WHERE rank > 1 GROUP BY file_order";
    private static final String REJECT_DUPLICATES = DUPLICATES + """
            , moved AS (DELETE FROM pipeline.stage_orders s USING ranked r
                         WHERE s.batch_id = ? AND s.file_order = r.file_order AND s.line = r.line AND r.rank > 1
                        RETURNING s.file_order, s.line, s.order_id)
            INSERT INTO pipeline.stage_rejects (batch_id, file_order, line, reason, detail)
            SELECT ?, file_order, line, 'duplicate_order_id', 'order ' || order_id || ' already appeared earlier in this batch'
              FROM moved""";
    private static final String REJECT_UNKNOWN_ORDERS = """
            WITH moved AS (DELETE FROM pipeline.stage_lines l
                            WHERE l.batch_id = ?
                              AND NOT EXISTS (SELECT 1 FROM pipeline.stage_orders o
                                               WHERE o.batch_id = l.batch_id AND o.order_id = l.order_id)
                              AND NOT EXISTS (SELECT 1 FROM pipeline.orders p WHERE p.order_id = l.order_id)
                           RETURNING l.file_order, l.line, l.order_id)
            INSERT INTO pipeline.stage_rejects (batch_id, file_order, line, reason, detail)
            SELECT ?, file_order, line, 'unknown_order',
                   'order ' || order_id || ' is not an accepted order of this or an earlier batch'
              FROM moved""";
    private static final String REJECT_UNKNOWN_PRODUCTS = """
            WITH moved AS (DELETE FROM pipeline.stage_lines l
                            WHERE l.batch_id = ?
                              AND NOT EXISTS (SELECT 1 FROM pipeline.stage_products p
                                               WHERE p.batch_id = l.batch_id AND p.product_id = l.product_id)
                              AND NOT EXISTS (SELECT 1 FROM pipeline.catalog c WHERE c.product_id = l.product_id)
                           RETURNING l.file_order, l.line, l.product_id)
            INSERT INTO pipeline.stage_rejects (batch_id, file_order, line, reason, detail)
            SELECT ?, file_order, line, 'unknown_product',
                   'product ' || product_id || ' is in neither this batch''s catalog files nor the catalog'
              FROM moved""";
    private static final String REJECTS_PER_FILE = """
            SELECT file_order, reason, count(*) FROM pipeline.stage_rejects WHERE batch_id = ?
             GROUP BY file_order, reason""";

    private final DataSource dataSource;
    private final BatchStore batches;
    private final String incomingPrefix;
    private final String rejectedPrefix;
    private final Double maxRejectedShare;

    public BatchRules(DataSource dataSource, BatchStore batches, String incomingPrefix, String rejectedPrefix,
            Double maxRejectedShare) {
        this.dataSource = dataSource;
        this.batches = batches;
        this.incomingPrefix = incomingPrefix;
        this.rejectedPrefix = rejectedPrefix;
        this.maxRejectedShare = maxRejectedShare;
    }

    /** Returns true when this call applied the rules, false when they had been applied before. */
    public boolean apply(@Header("batchId") String batchId) throws SQLException {
        List<BatchFile> files = batches.files(batchId);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (Jdbc.update(c, CLAIM, batchId) == 0) {
                    c.rollback();
                    LOG.info("Batch rules applied before; nothing to do");
                    return false;
                }
                try (Statement s = c.createStatement()) {
                    // fresh statistics for the planner: the staged rows were just loaded
                    s.execute("ANALYZE pipeline.stage_products, pipeline.stage_orders, pipeline.stage_lines");
                }
                Map<Integer, BatchFile> quarantined = new HashMap<>();
                if (maxRejectedShare != null) {
                    quarantineOverShare(c, files, FileKind.PRODUCTS, Map.of(), quarantined, Map.of());
                    // an orders file quarantined here no longer counts: later files' repeats of its orders are kept
                    while (quarantineOverShare(c, files, FileKind.ORDERS, duplicatesPerFile(c, batchId), quarantined,
                            Map.of())) {
                        LOG.debug("Re-checking repeated orders after a quarantine");
                    }
                }
                int duplicates = Jdbc.update(c, REJECT_DUPLICATES, batchId, batchId, batchId, batchId);
                int unknownOrders = Jdbc.update(c, REJECT_UNKNOWN_ORDERS, batchId, batchId);
                int unknownProducts = Jdbc.update(c, REJECT_UNKNOWN_PRODUCTS, batchId, batchId);
                Map<Integer, Map<String, Long>> rejects = rejectsPerFile(c, batchId);
                if (maxRejectedShare != null) {
                    quarantineOverShare(c, files, FileKind.ITEMS, Map.of(), quarantined, rejects);
                }
                recordCounts(c, files, rejects, quarantined);
                c.commit();
                LOG.info("Batch rules: {} repeated orders, {} lines of unknown orders, {} lines of unknown products "
                        + "rejected{}", duplicates, unknownOrders, unknownProducts,
                        quarantined.isEmpty() ? "" : "; " + quarantined.size() + " file(s) over the rejected share");
                return true;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * Quarantines the first file of the kind (in read order) whose rejected share is over the limit; returns whether
     * one was quarantined (orders are re-checked then), or for items, quarantines every such file.
     */
    private boolean quarantineOverShare(Connection c, List<BatchFile> files, FileKind kind,
            Map<Integer, Long> batchLevel, Map<Integer, BatchFile> quarantined,
            Map<Integer, Map<String, Long>> rejects) throws SQLException {
        boolean any = false;
        for (BatchFile f : files) {
            if (!BatchFile.ARCHIVED.equals(f.outcome()) || !kind.label().equals(f.kind())
                    || quarantined.containsKey(f.readOrder()) || f.rowsRead() == 0) {
                continue;
            }
            long rejected = rejects.containsKey(f.readOrder())
                    ? rejects.get(f.readOrder()).values().stream().mapToLong(Long::longValue).sum()
                    : f.rowsRejected() + batchLevel.getOrDefault(f.readOrder(), 0L);
            if ((double) rejected / f.rowsRead() > maxRejectedShare) {
                Jdbc.update(c, "DELETE FROM pipeline." + kind.stageTable() + " WHERE batch_id = ? AND file_order = "
                        + f.readOrder(), f.batchId());
                quarantined.put(f.readOrder(), f);
                any = true;
                if (kind == FileKind.ORDERS) {
                    return true;
                }
            }
        }
        return any;
    }


    private static Map<Integer, Long> duplicatesPerFile(Connection c, String batchId) throws SQLException {
        Map<Integer, Long> counts = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement(DUPLICATES_PER_FILE)) {
            s.setString(1, batchId);
            s.setString(2, batchId);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    counts.put(r.getInt(1), r.getLong(2));
                }
            }
        }
        return counts;
    }

    private static Map<Integer, Map<String, Long>> rejectsPerFile(Connection c, String batchId) throws SQLException {
        Map<Integer, Map<String, Long>> counts = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement(REJECTS_PER_FILE)) {
            s.setString(1, batchId);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    counts.computeIfAbsent(r.getInt(1), k -> new TreeMap<>()).put(r.getString(2), r.getLong(3));
                }
            }
        }
        return counts;
    }

    /** Final counts per file: accepted = read - rejected; the rejected rows' file when there are any. */
    private void recordCounts(Connection c, List<BatchFile> files, Map<Integer, Map<String, Long>> rejects,
            Map<Integer, BatchFile> quarantined) throws SQLException {
        java.util.Set<String> used = new java.util.HashSet<>();
        for (BatchFile f : files) {
            if (!BatchFile.ARCHIVED.equals(f.outcome())) {
                continue;
            }
            Map<String, Long> byReason = rejects.getOrDefault(f.readOrder(), Map.of());
            long rejected = byReason.values().stream().mapToLong(Long::longValue).sum();
            String rejectedKey = rejected == 0 ? null : rejectedKey(f, used);
            BatchFile counted;
            if (quarantined.containsKey(f.readOrder())) {
                counted = new BatchFile(f.batchId(), f.incomingKey(), f.collectedKey(), f.kind(), f.size(),
                        f.readOrder(), BatchFile.QUARANTINED, "too_many_rejected_rows", String.format(Locale.ROOT,
                                "%d of %d rows rejected, more than the allowed share %.4f", rejected, f.rowsRead(),
                                maxRejectedShare), f.rowsRead(), 0, byReason, rejectedKey, f.finalKey());
            } else {
                counted = new BatchFile(f.batchId(), f.incomingKey(), f.collectedKey(), f.kind(), f.size(),
                        f.readOrder(), f.outcome(), null, null, f.rowsRead(), f.rowsRead() - rejected, byReason,
                        rejectedKey, f.finalKey());
            }
            batches.recordValidation(c, counted);
        }
    }

    /** {@code rejected/<batch-id>/<the key under incoming/>.rejected.csv}: unique per object, not per file name. */
    String rejectedKey(BatchFile f, java.util.Set<String> used) {
        String relative = f.incomingKey().startsWith(incomingPrefix)
                ? f.incomingKey().substring(incomingPrefix.length()) : f.incomingKey();
        String key = S3Keys.fit(rejectedPrefix + f.batchId() + "/", relative + ".rejected.csv");
        if (!used.add(key)) {
            // the same key arrived twice in one batch: the second one's rows go under its place in the read order
            key = S3Keys.fit(rejectedPrefix + f.batchId() + "/" + f.readOrder() + "/", relative + ".rejected.csv");
            used.add(key);
        }
        return key;
    }
}
