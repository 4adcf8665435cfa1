package io.ecompipeline.orchestrate;

import io.ecompipeline.common.Errors;
import io.ecompipeline.ingest.BatchEvents;
import io.ecompipeline.state.BatchStore;
import org.apache.camel.CamelExchangeException;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one failure path of a batch step, for both orchestrators (the {@code batch-step-failure} route configuration in
 * routes/batch.camel.yaml): logs the failure once, with the original exception's stack trace, records it on the batch
 * (its error, one failed attempt) and tells in-process listeners. The exception itself travels on unchanged to the
 * caller (the local orchestrator's route, or the Step Functions worker that reports it as the task's error).
 * <p>
 * A batch that gives up goes the same way in both modes: the {@code batch-dead-letter} route (routes/batch.camel.yaml).
 * The Step Functions orchestrator gets there through {@code batch-execution-failed}, which first records the
 * execution's end here ({@link #executionFailed}): an execution that timed out or was aborted ran no failing step.
 */
public class BatchFailures {

    private static final Logger LOG = LoggerFactory.getLogger(BatchFailures.class);
    /** The header that carries the failure's text (without Camel's wrappers) back to the caller. */
    public static final String BATCH_ERROR = "batchError";
    /** The header that tells the dead-letter route why the batch gives up, for its log line. */
    public static final String DEAD_LETTER_REASON = "deadLetterReason";

    private final BatchStore batches;
    private final BatchEvents events;

    public BatchFailures(BatchStore batches, BatchEvents events) {
        this.batches = batches;
        this.events = events;
    }

    public void record(@Header("batchId") String batchId,
            @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception error,
            @ExchangeProperty(Exchange.FAILURE_ROUTE_ID) String routeId, Exchange exchange) throws Exception {
        String message = error == null ? "unknown error" : reason(error);
        LOG.error("Batch step {} failed: {}", routeId, message, error);
        batches.markFailed(batchId, message);
        exchange.getMessage().setHeader(BATCH_ERROR, message); // for the dead-letter reason
        events.failed(batchId, error);
    }

    /**
     * A Step Functions execution that ended without finishing its batch (failed after its retries, timed out, aborted):
     * its end is recorded on the batch as a failed attempt, the error the dead-letter message carries.
     */
    public void executionFailed(@Header("batchId") String batchId, @Header(DEAD_LETTER_REASON) String reason)
            throws Exception {
        batches.markFailed(batchId, reason);
    }

    /** What failed, without Camel's wrappers (a parallel split's "Multicast processing failed for number 0 ..."). */
    static String reason(Throwable error) {
        Throwable t = Errors.chain(error)
                .filter(c -> c.getCause() == null
                        || !(c instanceof CamelExchangeException || c instanceof CamelExecutionException))
                .findFirst().orElseThrow();
        return Errors.withCauses(t);
    }
}
