package io.ecompipeline.orchestrate.stepfunctions;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.ecompipeline.generate.GeneratorService;
import io.ecompipeline.generate.ShopGenerator;
import io.ecompipeline.ingest.BatchEvents;
import io.ecompipeline.model.BatchFile;
import io.ecompipeline.state.BatchStore;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;

/**
 * What each activity does: the same batch step routes the local orchestrator runs (each skips work a batch has
 * already done, so a retried task is safe), called with the batch id of the task input, and the task output the
 * state machine reads.
 */
public class WorkerSteps {

    private final CamelContext context;
    private final ProducerTemplate producer;
    private final BatchStore batches;
    private final BatchEvents events;
    private final Runnable batchEnded;

    public WorkerSteps(CamelContext context, ProducerTemplate producer, BatchStore batches, BatchEvents events,
            Runnable batchEnded) {
        this.context = context;
        this.producer = producer;
        this.batches = batches;
        this.events = events;
        this.batchEnded = batchEnded;
    }

    /**
     * One iteration of the ingest state machine's Map: validates and stages one file of the batch (input
     * {@code {batchId, fileKey}}, the file's key under collected/). Any worker may take any file; a file already
     * validated is not staged again.
     */
    public Map<String, Object> validateFile(JsonNode input) throws Exception {
        String batchId = batchId(input);
        String fileKey = input.path("fileKey").asText(null);
        if (fileKey == null || fileKey.isBlank()) {
            throw new IllegalArgumentException("task input has no fileKey: " + input);
        }
        step("direct:activity-validate-file", batchId, Map.of("fileKey", fileKey));
        BatchFile f = batches.file(batchId, fileKey);
        return ActivityTasks.output("batchId", batchId, "fileKey", fileKey, "outcome", f.outcome(),
                "rowsAccepted", f.rowsAccepted(), "rowsRejected", f.rowsRejected());
    }

    /**
     * After the Map: the batch rules and apply. A file the Map did not validate (an execution of a definition without
     * the Map, or a step run alone) is validated here first, in this worker's threads, as the local orchestrator
     * does; so the step never applies a batch with a file missing.
     */
    public Map<String, Object> validateApply(JsonNode input) throws Exception {
        String batchId = batchId(input);
        step("direct:activity-validate-apply", batchId);
        long accepted = 0;
        long rejected = 0;
        int quarantined = 0;
        int acceptedFiles = 0;
        for (BatchFile f : batches.files(batchId)) {
            accepted += f.rowsAccepted();
            rejected += f.rowsRejected();
            if (BatchFile.QUARANTINED.equals(f.outcome())) {
                quarantined++;
            } else {
                acceptedFiles++;
            }
        }
        return ActivityTasks.output("batchId", batchId, "acceptedRows", accepted, "rejectedRows", rejected,
                "filesQuarantined", quarantined, "filesAccepted", acceptedFiles);
    }

    public Map<String, Object> computeKpis(JsonNode input) throws Exception {
        String batchId = batchId(input);
        List<?> dates = batches.touchedDates(batchId);
        step("direct:activity-compute-kpis", batchId);
        return ActivityTasks.output("batchId", batchId, "orderDates", dates.size());
    }

    /** The curated zone's partitions of the batch's touched dates (none with pipeline.curated.enabled off). */
    public Map<String, Object> curateBatch(JsonNode input) throws Exception {
        String batchId = batchId(input);
        step("direct:activity-curate-batch", batchId);
        return ActivityTasks.output("batchId", batchId, "status", batches.status(batchId));
    }

    public Map<String, Object> finishBatch(JsonNode input) throws Exception {
        String batchId = batchId(input);
        step("direct:activity-finish-batch", batchId);
        events.finished(batchId);
        // the next closed batch may start now (its execution waits for this one's lock release)
        context.getExecutorServiceManager().newThread("sfn-next-batch", batchEnded).start();
        return ActivityTasks.output("batchId", batchId, "status", batches.status(batchId));
    }

    public Map<String, Object> generate(JsonNode input) throws Exception {
        GeneratorService generator = context.getRegistry().lookupByNameAndType("shopGenerator", GeneratorService.class);
        String mode = input.path("mode").asText("incremental");
        ShopGenerator.RunResult r = generator.run(generator.with(Map.of("mode", mode)), true);
        return ActivityTasks.output("mode", r.mode(), "status", r.status(), "days", r.days(),
                "lastDay", String.valueOf(r.lastDay()));
    }

    /**
     * Runs an activity's route. A failure was already logged and recorded on the batch by the route's one failure path
     * (routes/batch.camel.yaml, batch-step-failure); its original exception is what the task reports.
     */
    private void step(String uri, String batchId) throws Exception {
        step(uri, batchId, Map.of());
    }

    private void step(String uri, String batchId, Map<String, Object> headers) throws Exception {
        Map<String, Object> all = new HashMap<>(headers);
        all.put("batchId", batchId);
        try {
            producer.requestBodyAndHeaders(uri, null, all);
        } catch (CamelExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    private static String batchId(JsonNode input) {
        String batchId = input.path("batchId").asText(null);
        if (batchId == null || batchId.isBlank()) {
            throw new IllegalArgumentException("task input has no batchId: " + input);
        }
        return batchId;
    }
}
