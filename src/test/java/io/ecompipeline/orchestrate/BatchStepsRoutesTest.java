package io.ecompipeline.orchestrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.ecompipeline.support.RouteTestContext;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.model.ModelCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The batch's step routes of {@code routes/batch.camel.yaml} on their own, with stub beans that record what they are asked:
 * the order of the steps, each step's "already done" guard (a retried batch does not validate, check, apply or finish
 * twice), every file of the batch validated once, and the one failure path (route configuration
 * {@code batch-step-failure}): the failure is recorded once and goes back to the caller as it was.
 */
@Tag("route")
class BatchStepsRoutesTest {

    private static final List<String> STEPS = List.of("activity-validate-apply", "activity-finish-batch",
            "validate-batch", "validate-file", "batch-rules", "apply-batch", "finish-batch");

    private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    private final StubBatchStore batches = new StubBatchStore(calls);
    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private final StubValidator validator = new StubValidator(calls);
    private CamelContext context;

    @BeforeEach
    void start() throws Exception {
        context = RouteTestContext.create();
        context.getRegistry().bind("batchStore", batches);
        context.getRegistry().bind("validationPool", pool);
        context.getRegistry().bind("fileValidator", validator);
        context.getRegistry().bind("batchRules", new Recorder(calls, "rules"));
        context.getRegistry().bind("stateApplier", new Recorder(calls, "apply"));
        context.getRegistry().bind("rejectedRowFiles", new Recorder(calls, "rejected-rows"));
        context.getRegistry().bind("batchFinisher", new Recorder(calls, "finish"));
        context.getRegistry().bind("freshness", new Recorder(calls, "freshness"));
        context.getRegistry().bind("batchFailures", new StubFailures(calls));
        ((ModelCamelContext) context).setRouteFilterPattern(String.join(",", STEPS), null);
        RouteTestContext.loadRoutes(context, "batch.camel.yaml");
        context.start();
    }

    @AfterEach
    void stop() {
        context.stop();
        pool.shutdownNow();
    }

    private void send(String endpoint) {
        context.createProducerTemplate().sendBodyAndHeader(endpoint, null, "batchId", "b1");
    }

    @Test
    void aNewBatchIsValidatedFileByFileCheckedAppliedAndFinishedInThatOrder() {
        batches.files = List.of("collected/1/orders_1.csv", "collected/2/order_items_1.csv", "collected/3/products.csv");

        send("direct:activity-validate-apply");
        send("direct:activity-finish-batch");

        assertThat(calls.subList(0, 1)).containsExactly("clear staging except b1");
        assertThat(calls.subList(1, 4)).containsExactlyInAnyOrder("validate collected/1/orders_1.csv",
                "validate collected/2/order_items_1.csv", "validate collected/3/products.csv");
        assertThat(calls.subList(4, calls.size())).containsExactly("status validated", "rules", "apply",
                "rejected-rows", "clear staging b1", "finish", "freshness");
    }

    @Test
    void aRetriedBatchSkipsWhatItHasDone() {
        batches.status = "applied";

        send("direct:activity-validate-apply");
        send("direct:activity-finish-batch");

        assertThat(calls).containsExactly("rejected-rows", "clear staging b1", "finish", "freshness");
    }

    @Test
    void aFailingStepIsRecordedOnceAndGoesBackToTheCaller() {
        batches.files = List.of("collected/1/orders_1.csv");
        validator.failing = "collected/1/orders_1.csv";

        assertThatThrownBy(() -> send("direct:activity-validate-apply")).isInstanceOf(CamelExecutionException.class)
                .hasRootCauseMessage("cannot read collected/1/orders_1.csv");

        assertThat(calls).containsExactly("clear staging except b1", "failure recorded: cannot read "
                + "collected/1/orders_1.csv").doesNotContain("status validated", "rules", "apply");
    }

    public static class StubValidator {
        private final List<String> calls;
        volatile String failing;

        StubValidator(List<String> calls) {
            this.calls = calls;
        }

        public void validate(@Header("fileKey") String fileKey) {
            if (fileKey.equals(failing)) {
                throw new IllegalStateException("cannot read " + fileKey);
            }
            calls.add("validate " + fileKey);
        }
    }

    public static class StubFailures {
        private final List<String> calls;

        StubFailures(List<String> calls) {
            this.calls = calls;
        }

        /** Records the original error, under the split's wrapper, as BatchFailures does. */
        public void record(Exchange exchange) {
            Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            calls.add("failure recorded: " + cause.getMessage());
        }
    }

    /** A bean whose every step is a call to record: {@code apply}, {@code write}, {@code finish} or {@code refresh}. */
    public static class Recorder {
        private final List<String> calls;
        private final String name;

        Recorder(List<String> calls, String name) {
            this.calls = calls;
            this.name = name;
        }

        public void apply() {
            calls.add(name);
        }

        public void write() {
            calls.add(name);
        }

        public void finish() {
            calls.add(name);
        }

        public void refresh() {
            calls.add(name);
        }
    }

    /** Statuses move collected -> validated -> checked -> applied -> loaded -> curated -> finished, as BatchStore's. */
    public static class StubBatchStore {
        private static final List<String> PROGRESS = List.of("collected", "validated", "checked", "applied", "loaded",
                "curated", "finished");
        private final List<String> calls;
        volatile String status = "collected";
        volatile List<String> files = List.of();

        StubBatchStore(List<String> calls) {
            this.calls = calls;
        }

        public boolean isPast(String batchId, String step) {
            return PROGRESS.indexOf(status) >= PROGRESS.indexOf(step);
        }

        public void clearStagingExcept(@Header("batchId") String batchId) {
            calls.add("clear staging except " + batchId);
        }

        public void clearStaging(@Header("batchId") String batchId) {
            calls.add("clear staging " + batchId);
        }

        public List<String> filesToValidate(@Header("batchId") String batchId) {
            return files;
        }

        public void markStatus(String batchId, String newStatus) {
            calls.add("status " + newStatus);
            status = newStatus;
        }
    }
}
