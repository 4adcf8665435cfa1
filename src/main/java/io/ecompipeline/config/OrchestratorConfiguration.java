package io.ecompipeline.config;

import java.time.Duration;

import io.ecompipeline.observe.PipelineMetrics;
import io.ecompipeline.orchestrate.LocalOrchestratorRoutes;
import io.ecompipeline.orchestrate.PendingBatches;
import io.ecompipeline.orchestrate.ProcessingLease;
import io.ecompipeline.state.BatchStore;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
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

    @BindToRegistry(lazy = true)
    public PendingBatches pendingBatches(@BeanInject("processingLease") ProcessingLease lease,
            @BeanInject("batchStore") BatchStore batches,
            @PropertyInject("pipeline.batch.retry-interval") Duration retryInterval,
            @PropertyInject("pipeline.batch.max-attempts") int maxAttempts,
            @BeanInject("pipelineMetrics") PipelineMetrics metrics) {
        return new PendingBatches(lease, batches, retryInterval, maxAttempts, metrics);
    }
}
