package io.ecompipeline.config;

import java.time.Duration;

import javax.sql.DataSource;

import io.ecompipeline.common.S3Objects;
import io.ecompipeline.common.S3Prefixes;
import io.ecompipeline.ingest.ArrivalNotifications;
import io.ecompipeline.ingest.ArrivalRegistrar;
import io.ecompipeline.ingest.BatchCompletion;
import io.ecompipeline.ingest.BatchEvents;
import io.ecompipeline.ingest.BatchManifestAggregation;
import io.ecompipeline.ingest.IdlePolls;
import io.ecompipeline.ingest.StrandedArrivalRoutes;
import io.ecompipeline.ingest.StrandedArrivals;
import io.ecompipeline.observe.PipelineMetrics;
import io.ecompipeline.orchestrate.CollectorLeadership;
import io.ecompipeline.orchestrate.ProcessingLease;
import io.ecompipeline.state.BatchStore;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.apache.camel.processor.aggregate.jdbc.JdbcAggregationRepository;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Arrival and collection (routes/ingest.camel.yaml): files under {@code incoming/} moved to {@code collected/} and
 * gathered into the open batch by the one instance holding the collector lease, until the batch closes
 * ({@code pipeline.batch.*}); and the re-collection of files a crash left stranded. Arrivals are found by listing
 * {@code incoming/} ({@code pipeline.arrival=poll}) or from S3 notifications with a periodic reconciliation listing
 * ({@code events}).
 */
@Configuration
public class IngestConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        context.addRoutes(new StrandedArrivalRoutes());
    }

    /** The S3 poller's route policy: it polls on the instance holding the {@code collector} lease only. */
    @BindToRegistry(lazy = true)
    public CollectorLeadership collectorLeadership(@BeanInject("dynamoDbClient") DynamoDbClient dynamoDb,
            @PropertyInject("pipeline.dynamodb.lock-table") String table,
            @PropertyInject("pipeline.lock.lease") Duration lease,
            @PropertyInject("pipeline.lock.renew-every") Duration renewEvery) {
        return new CollectorLeadership(
                new ProcessingLease(dynamoDb, table, ProcessingLease.COLLECTOR, lease, renewEvery), renewEvery);
    }

    @BindToRegistry(lazy = true)
    public BatchCompletion batchCompletion(@PropertyInject("pipeline.batch.min-order-files") int minOrderFiles,
            @PropertyInject("pipeline.batch.min-item-files") int minItemFiles,
            @PropertyInject("pipeline.batch.force-after") Duration forceAfter,
            @BeanInject("batchStore") BatchStore batches,
            @BeanInject("batchCollectorRepository") JdbcAggregationRepository collector,
            @BeanInject("pipelineMetrics") PipelineMetrics metrics) {
        BatchCompletion completion = new BatchCompletion(minOrderFiles, minItemFiles, forceAfter.toMillis(),
                batches::catalogKnown, () -> collector.getKeys().contains(BatchCompletion.OPEN_BATCH));
        metrics.openBatch(completion::openFiles, completion::openSince, forceAfter);
        return completion;
    }

    @BindToRegistry(lazy = true)
    public ArrivalRegistrar arrivalRegistrar(@BeanInject("s3Objects") S3Objects objects,
            @BeanInject("s3Prefixes") S3Prefixes prefixes, @BeanInject("batchCompletion") BatchCompletion completion,
            @BeanInject("pipelineMetrics") PipelineMetrics metrics) {
        return new ArrivalRegistrar(objects, prefixes, () -> {
            completion.arrivalSetAside();
            metrics.arrivalFailed();
        });
    }

    /** The S3 notifications of the arrival queue read (routes/arrival-events.camel.yaml, {@code pipeline.arrival=events}). */
    @BindToRegistry(lazy = true)
    public ArrivalNotifications arrivalNotifications(@BeanInject("s3Prefixes") S3Prefixes prefixes,
            @PropertyInject("pipeline.bucket") String bucket) {
        return new ArrivalNotifications(bucket.trim(), prefixes.incoming());
    }

    /**
     * The arrival consumers' poll strategy: a poll begins once the context has started and while this instance
     * collects; an idle poll reminds the open batch through its own route.
     */
    @BindToRegistry(lazy = true)
    public IdlePolls idlePolls(@BeanInject("collectorLeadership") CollectorLeadership leadership) {
        return new IdlePolls(leadership::isLeader);
    }

    @BindToRegistry(lazy = true)
    public BatchManifestAggregation batchManifestAggregation() {
        return new BatchManifestAggregation();
    }

    @BindToRegistry(lazy = true)
    public StrandedArrivals strandedArrivals(CamelContext context, @BeanInject("s3Objects") S3Objects objects,
            @BeanInject("dataSource") DataSource dataSource,
            @BeanInject("batchCollectorRepository") JdbcAggregationRepository collector,
            @BeanInject("s3Prefixes") S3Prefixes prefixes,
            @PropertyInject("pipeline.recovery.stranded-after") Duration strandedAfter,
            @BeanInject("collectorLeadership") CollectorLeadership leadership) {
        return new StrandedArrivals(context, objects, dataSource, collector,
                new StrandedArrivals.Recovery(prefixes, strandedAfter, leadership::isLeader));
    }

    /** What happens to batches (closed, finished, failed), for the metrics and for whoever waits on a batch. */
    @BindToRegistry(lazy = true)
    public BatchEvents batchEvents(@BeanInject("pipelineMetrics") PipelineMetrics metrics) {
        return new BatchEvents(metrics);
    }
}
