package io.ecompipeline.observe;

import java.sql.Connection;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads how fresh the data is from the state (when the newest finished batch finished, the newest order date) into
 * the {@link PipelineMetrics} gauges. From the database rather than from this JVM's own batches, so that every
 * instance, a freshly restarted one too, reports the truth that "no batch for N hours" alerts need. Run by the
 * {@code observe-freshness} route at start-up and every {@code pipeline.metrics.freshness-every}, and after each
 * finished batch. Two index- or primary-key-sized reads: cheap whatever the history.
 */
public class Freshness {

    private static final Logger LOG = LoggerFactory.getLogger(Freshness.class);

    private final DataSource dataSource;
    private final PipelineMetrics metrics;

    public Freshness(DataSource dataSource, PipelineMetrics metrics) {
        this.dataSource = dataSource;
        this.metrics = metrics;
    }

    /** Whether the last refresh failed: an outage is logged once, when it starts, and once when it ends. */
    private volatile boolean failing;

    public void refresh() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            Timestamp lastFinished = null;
            try (ResultSet r = s.executeQuery(
                    "SELECT max(updated_at) FROM pipeline.batches WHERE status = 'finished'")) {
                if (r.next()) {
                    lastFinished = r.getTimestamp(1);
                }
            }
            Date newest = null;
            try (ResultSet r = s.executeQuery("SELECT max(order_date) FROM pipeline.orders")) {
                if (r.next()) {
                    newest = r.getDate(1);
                }
            }
            metrics.freshness(lastFinished == null ? null : lastFinished.toInstant(),
                    newest == null ? null : newest.toLocalDate());
            LOG.debug("Freshness: last batch finished {}, newest order date {}", lastFinished, newest);
            if (failing) {
                failing = false;
                LOG.info("The freshness gauges read the database again");
            }
        } catch (SQLException e) {
            // the gauges keep their last values; readiness reports the database outage itself
            if (!failing) {
                failing = true;
                LOG.warn("Could not read the freshness gauges from the database (they keep their last values): {}",
                        e.getMessage());
            }
        }
    }
}
