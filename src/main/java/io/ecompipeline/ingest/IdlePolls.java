package io.ecompipeline.ingest;

import java.util.function.BooleanSupplier;

import io.ecompipeline.common.Errors;
import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultPollingConsumerPollStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The S3 poller's poll strategy ({@code pollStrategy} of {@code ingest-poll-s3}): after a poll that found nothing under
 * {@code incoming/}, it sends one empty exchange to {@code direct:remind-open-batch}, which reminds the open batch that
 * every file of the last poll is in (so it may close) and lets force-after close it when due. The arrival queue's
 * consumer ({@code ingest-arrival-events}, {@code pipeline.arrival=events}) uses it too: a receive that found no
 * notification is its idle poll.
 * <p>
 * The poller's own {@code sendEmptyMessageWhenIdle} did the same, but through {@code ingest-poll-s3}: every idle poll
 * (each 5 s) counted as an exchange of the arrival route, so its JMX and Prometheus counters showed polls rather than
 * arrivals. Sent from here, on the poller's thread once the poll's exchanges are done (as before), the reminders count
 * on {@code remind-open-batch} only.
 * <p>
 * It is also the poll's gate: a poll begins only while this instance collects (holds the collector lease, and the
 * Camel context has fully started: {@code orchestrate/CollectorLeadership}). Camel starts every route's consumer as
 * the context starts, whatever a route policy says, and in the order of the routes: with {@code initialDelay: 0} the poller listed {@code incoming/} before the
 * {@code direct:} routes its exchanges go to were consuming (an idle poll's reminder then failed), and a standby
 * instance could list once before the leadership check stopped its poller.
 */
public class IdlePolls extends DefaultPollingConsumerPollStrategy {

    public static final String REMINDER = "direct:remind-open-batch";

    private static final Logger LOG = LoggerFactory.getLogger(IdlePolls.class);

    private final BooleanSupplier collecting;
    private volatile ProducerTemplate producer;

    /** @param collecting whether this instance collects arrivals now (the collector lease's holder) */
    public IdlePolls(BooleanSupplier collecting) {
        this.collecting = collecting;
    }

    @Override
    public boolean begin(Consumer consumer, Endpoint endpoint) {
        // a skipped poll is not idle; the collector leadership starts the consumer afresh once it may poll
        return collecting.getAsBoolean();
    }

    @Override
    public void commit(Consumer consumer, Endpoint endpoint, int polledMessages) {
        if (polledMessages > 0) {
            return;
        }
        try {
            producer(endpoint.getCamelContext()).sendBody(REMINDER, null);
        } catch (RuntimeException e) {
            // the next idle poll reminds again
            LOG.warn("Could not remind the open batch after an idle poll: {}", Errors.withCauses(e));
        }
    }

    private ProducerTemplate producer(CamelContext context) {
        ProducerTemplate template = producer;
        if (template == null) {
            synchronized (this) {
                if (producer == null) {
                    producer = context.createProducerTemplate();
                }
                template = producer;
            }
        }
        return template;
    }
}
