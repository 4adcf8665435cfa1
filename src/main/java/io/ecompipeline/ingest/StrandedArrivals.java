package io.ecompipeline.ingest;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

import javax.sql.DataSource;

import io.ecompipeline.common.Errors;
import io.ecompipeline.common.S3Objects;
import io.ecompipeline.common.S3Prefixes;
import io.ecompipeline.model.FileArrival;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.spi.RecoverableAggregationRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Finds files stranded under {@code collected/}: moved off {@code incoming/} but never added to a batch, because the
 * process died (or the database failed) between the move and the collector. A file counts as stranded when no open,
 * closed or unfinished batch knows it and it has been there longer than {@code minAge}.
 */
public class StrandedArrivals {

    private static final Logger LOG = LoggerFactory.getLogger(StrandedArrivals.class);

    private final CamelContext context;
    private final S3Objects s3;
    private final DataSource dataSource;
    private final RecoverableAggregationRepository collector;
    private final String incomingPrefix;
    private final String collectedPrefix;
    private final Duration minAge;
    private final BooleanSupplier collecting;

    /** Where stranded files are looked for, from when on, and whether this instance is the one collecting. */
    public record Recovery(S3Prefixes prefixes, Duration minAge, BooleanSupplier collecting) {
    }

    public StrandedArrivals(CamelContext context, S3Objects s3, DataSource dataSource,
            RecoverableAggregationRepository collector, Recovery recovery) {
        this.context = context;
        this.s3 = s3;
        this.dataSource = dataSource;
        this.collector = collector;
        this.incomingPrefix = recovery.prefixes().incoming();
        this.collectedPrefix = recovery.prefixes().collected();
        this.minAge = recovery.minAge();
        this.collecting = recovery.collecting();
    }

    /** Manifest lines for the stranded files, ready for the collector; only on the instance that collects. */
    public List<String> find() throws SQLException {
        if (!collecting.getAsBoolean()) {
            return List.of();
        }
        Instant cutoff = Instant.now().minus(minAge);
        List<S3Object> candidates = s3.list(collectedPrefix).stream()
                .filter(o -> !o.lastModified().isAfter(cutoff)).toList();
        if (candidates.isEmpty()) {
            return List.of();
        }
        Set<String> known = knownCollectedKeys();
        List<String> stranded = new ArrayList<>();
        for (S3Object o : candidates) {
            if (known.contains(o.key())) {
                continue;
            }
            String relative = o.key().substring(collectedPrefix.length());
            relative = relative.substring(relative.indexOf('/') + 1);
            FileArrival arrival = new FileArrival(incomingPrefix + relative, o.key(), o.size(),
                    o.eTag() == null ? "" : o.eTag().replace("\"", ""), System.currentTimeMillis());
            LOG.warn("Re-collecting {} (stranded under {} since {})", Errors.printable(arrival.incomingKey()),
                    Errors.printable(o.key()), o.lastModified());
            stranded.add(arrival.toLine());
        }
        return stranded;
    }

    private Set<String> knownCollectedKeys() throws SQLException {
        Set<String> known = new HashSet<>();
        for (String key : collector.getKeys()) {
            addManifest(known, collector.get(context, key));
        }
        for (String exchangeId : collector.scan(context)) {
            addManifest(known, collector.recover(context, exchangeId));
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT f.collected_key FROM pipeline.batch_files f JOIN pipeline.batches b USING (batch_id) "
                        + "WHERE b.status <> 'finished'");
                ResultSet r = s.executeQuery()) {
            while (r.next()) {
                known.add(r.getString(1));
            }
        }
        return known;
    }

    private static void addManifest(Set<String> known, Exchange batch) {
        if (batch != null) {
            FileArrival.fromManifest(batch.getMessage().getBody(String.class))
                    .forEach(a -> known.add(a.collectedKey()));
        }
    }
}
