package io.ecompipeline.ingest;

import io.ecompipeline.model.FileArrival;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * Collects arrivals into the open batch's manifest: one line per file, in arrival order, stored as a plain string
 * so the JDBC aggregation repository needs no custom classes. Remembers when the first file arrived and whether
 * the latest file was the last one its poll listed.
 */
public class BatchManifestAggregation implements AggregationStrategy {

    public static final String FIRST_ARRIVAL = "pipelineFirstArrival";
    public static final String POLL_COMPLETE = "pipelinePollComplete";

    @Override
    public Exchange aggregate(Exchange collected, Exchange arrival) {
        String line = arrival.getMessage().getBody(String.class);
        boolean lastOfPoll = arrival.getProperty(Exchange.BATCH_COMPLETE, false, Boolean.class);
        if (line == null || line.isEmpty()) {
            // an idle poll: every listed file is in, the open batch may close now
            Exchange result = collected == null ? arrival : collected;
            result.getMessage().setHeader(POLL_COMPLETE, true);
            if (collected == null) {
                arrival.getMessage().setBody("");
            }
            return result;
        }
        if (collected == null) {
            arrival.getMessage().setHeader(FIRST_ARRIVAL, FileArrival.fromLine(line).arrivedAt());
            arrival.getMessage().setHeader(POLL_COMPLETE, lastOfPoll);
            return arrival;
        }
        String manifest = collected.getMessage().getBody(String.class);
        String collectedKey = FileArrival.fromLine(line).collectedKey();
        boolean known = FileArrival.fromManifest(manifest).stream().anyMatch(a -> a.collectedKey().equals(collectedKey));
        if (!known) {
            collected.getMessage().setBody(manifest + "\n" + line);
        }
        collected.getMessage().setHeader(POLL_COMPLETE, lastOfPoll);
        return collected;
    }
}
