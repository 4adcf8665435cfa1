package io.ecompipeline.config;

import java.time.Duration;

import io.ecompipeline.common.Settings;
import io.ecompipeline.observe.PipelineMetrics;
import io.ecompipeline.orchestrate.KpiRecompute;
import io.ecompipeline.orchestrate.LocalOrchestratorRoutes;
import io.ecompipeline.orchestrate.PendingBatches;
import io.ecompipeline.orchestrate.ProcessingLease;
import io.ecompipeline.orchestrate.RecomputeOperation;
import io.ecompipeline.state.BatchStore;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.PropertyInject;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The local orchestrator ({@code pipeline.orchestrator=local}): the process-pending route of routes/batch.camel.yaml
 * runs closed batches in this process, one instance at a time under the processing lease. The resume timer runs in
 * both modes (in Step Functions mode it starts the executions of waiting batches); StepFunctionsConfiguration has the
 * rest of that mode.
 */
@Configuration
public class OrchestratorConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        context.addRoutes(new LocalOrchestratorRoutes());
        context.addService(new RecomputeOperation(context)); // io.ecompipeline:type=Recompute, recompute by JMX
    }

    /** The right to process batches (the {@code batch-processing} item of the lease table), given back at stop. */
    @BindToRegistry(lazy = true)
    public ProcessingLease processingLease(CamelContext context, @BeanInject("dynamoDbClient") DynamoDbClient dynamoDb,
            @PropertyInject("pipeline.dynamodb.lock-table") String table,
            @PropertyInject("pipeline.lock.lease") Duration lease,
            @PropertyInject("pipeline.lock.renew-every") Duration renewEvery) throws Exception {
        ProcessingLease processing = new ProcessingLease(dynamoDb, table, ProcessingLease.PROCESSING, lease,
                renewEvery);
        OnStop.run(context, processing::shutdown);
        return processing;
    }

    /**
     * The recompute-kpis route's steps: each run takes a lease of its own on the lock batches take (the local
     * orchestrator's, or the ingest state machine's), and once it gives it back wakes the batches that waited.
     */
    @BindToRegistry(lazy = true)
    public KpiRecompute kpiRecompute(CamelContext context, @BeanInject("dynamoDbClient") DynamoDbClient dynamoDb,
            @PropertyInject("pipeline.dynamodb.lock-table") String table,
            @PropertyInject("pipeline.orchestrator") String orchestrator) {
        Settings settings = new Settings(context);
        Duration lease = settings.getDuration("pipeline.lock.lease");
        Duration renewEvery = settings.getDuration("pipeline.lock.renew-every");
        String lockId = "stepfunctions".equals(orchestrator.trim()) ? ProcessingLease.SFN_INGEST
                : ProcessingLease.PROCESSING;
        return new KpiRecompute(() -> new ProcessingLease(dynamoDb, table, lockId, lease, renewEvery),
                new KpiRecompute.Settings(settings.getInt("pipeline.recompute.chunk-days"),
                        settings.getDuration("pipeline.recompute.lease-wait"),
                        settings.getDuration("pipeline.progress-every")),
                () -> {
                    // in `run` (not in the recompute command, whose routes are only the KPI ones)
                    if (context.getRoute("signal-batches") != null) {
                        try (ProducerTemplate wake = context.createProducerTemplate()) {
                            wake.sendBody("direct:batch-closed", null);
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                });
    }

    @BindToRegistry(lazy = true)
    public PendingBatches pendingBatches(@BeanInject("processingLease") ProcessingLease lease,
            @BeanInject("batchStore") BatchStore batches,
            @PropertyInject("pipeline.batch.retry-interval") Duration retryInterval,
            @PropertyInject("pipeline.batch.max-attempts") int maxAttempts,
            @BeanInject("pipelineMetrics") PipelineMetrics metrics) {
        return new PendingBatches(lease, batches, retryInterval, maxAttempts, metrics);
    }
}
