package io.ecompipeline.orchestrate.stepfunctions;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecompipeline.model.BatchFile;
import io.ecompipeline.orchestrate.BatchFailures;
import io.ecompipeline.orchestrate.PendingBatches;
import io.ecompipeline.state.BatchStore;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.aws2.stepfunctions.StepFunctions2Constants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;

/**
 * The Step Functions orchestrator (the {@code pendingBatches} bean in that mode, called when a batch closes and every
 * {@code retry-interval}): the oldest closed batch that has not ended gets an execution of the ingest state machine,
 * named after the batch, with the batch id, its file keys and how many of them the state machine's Map validates at
 * once ({@code pipeline.sfn.validate-max-concurrency}) as input. Only the oldest runs, so batches still apply
 * in the order they closed. An execution that failed, timed out or was aborted (its retries used up) dead-letters
 * its batch as the local orchestrator does after its last attempt (the state machine already released the lock and
 * sent the alert), through the {@code batch-execution-failed} route, which records the execution's end with
 * {@link BatchFailures}; then the next batch starts. The dead-letter route gets the reason in the
 * {@value BatchFailures#DEAD_LETTER_REASON} header: in this mode one execution ran (its retries are the state
 * machine's), so the local orchestrator's "gave up after N attempts" would not be true.
 */
public class IngestExecutions {

    private static final Logger LOG = LoggerFactory.getLogger(IngestExecutions.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ProducerTemplate producer;
    private final BatchStore batches;
    private final String stateMachineArn;
    private final Duration lockExpiry;
    private final int validateMaxConcurrency;

    /** {@code validateMaxConcurrency}: files of a batch validated at once across the workers (0 = no limit). */
    public IngestExecutions(ProducerTemplate producer, BatchStore batches, String stateMachineArn, Duration lockExpiry,
            int validateMaxConcurrency) {
        this.producer = producer;
        this.batches = batches;
        this.stateMachineArn = stateMachineArn;
        this.lockExpiry = lockExpiry;
        this.validateMaxConcurrency = validateMaxConcurrency;
    }

    public synchronized void runPending() throws Exception {
        try {
            String batchId;
            while ((batchId = batches.nextPending(Duration.ZERO)) != null) {
                MDC.put(PendingBatches.BATCH_ID, batchId);
                DescribeExecutionResponse execution = describe(batchId);
                if (execution == null) {
                    start(batchId);
                    return;
                }
                switch (execution.status()) {
                    case RUNNING, PENDING_REDRIVE -> {
                        return; // the next batch waits for this one
                    }
                    case SUCCEEDED -> giveUp(batchId, "its Step Functions execution succeeded but the batch is "
                            + "still " + batches.status(batchId));
                    default -> giveUp(batchId, "its Step Functions execution "
                            + execution.statusAsString().toLowerCase() + " (" + execution.error() + ": "
                            + execution.cause() + ")");
                }
            }
        } finally {
            MDC.remove(PendingBatches.BATCH_ID);
        }
    }

    /** The execution's ARN: an execution is named after its batch. */
    public String executionArn(String batchId) {
        return stateMachineArn.replace(":stateMachine:", ":execution:") + ":" + batchId;
    }

    /** The batch's execution, or null when none was started yet (an answer, not a failure: the route logs nothing). */
    private DescribeExecutionResponse describe(String batchId) {
        try {
            return producer.requestBodyAndHeader("direct:sfn-describe-execution", null,
                    StepFunctions2Constants.EXECUTION_ARN, executionArn(batchId), DescribeExecutionResponse.class);
        } catch (CamelExecutionException e) {
            if (e.getCause() instanceof ExecutionDoesNotExistException) {
                return null;
            }
            throw e;
        }
    }

    private void start(String batchId) throws Exception {
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("batchId", batchId);
        List<String> files = batches.files(batchId).stream().map(BatchFile::collectedKey).toList();
        input.put("files", files);
        input.put("validateMaxConcurrency", validateMaxConcurrency);
        // a lease older than any execution can live belongs to an execution that died without releasing it
        input.put("lockExpiredBefore", Instant.now().minus(lockExpiry).toString());
        try {
            producer.requestBodyAndHeaders("direct:sfn-start-execution", null, Map.of(
                    StepFunctions2Constants.STATE_MACHINE_ARN, stateMachineArn,
                    StepFunctions2Constants.EXECUTION_NAME, batchId,
                    StepFunctions2Constants.EXECUTION_INPUT, JSON.writeValueAsString(input),
                    "batchId", batchId));
        } catch (CamelExecutionException e) {
            if (e.getCause() instanceof ExecutionAlreadyExistsException) {
                LOG.info("Another instance started the execution of this batch");
                return;
            }
            throw e;
        }
        LOG.info("Started Step Functions execution {} ({} files)", executionArn(batchId), files.size());
    }

    private void giveUp(String batchId, String error) throws Exception {
        producer.requestBodyAndHeaders("direct:batch-execution-failed", null, Map.of("batchId", batchId,
                BatchFailures.DEAD_LETTER_REASON, error));
    }
}
