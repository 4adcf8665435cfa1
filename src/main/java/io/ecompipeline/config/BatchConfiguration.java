package io.ecompipeline.config;

import java.time.Duration;
import java.util.concurrent.ExecutorService;

import javax.sql.DataSource;

import io.ecompipeline.common.S3Objects;
import io.ecompipeline.common.S3Prefixes;
import io.ecompipeline.common.Settings;
import io.ecompipeline.curate.CuratedZone;
import io.ecompipeline.ingest.BatchEvents;
import io.ecompipeline.ingest.BatchFinisher;
import io.ecompipeline.kpi.KpiItems;
import io.ecompipeline.kpi.KpiQueryPlan;
import io.ecompipeline.kpi.KpiResults;
import io.ecompipeline.kpi.KpiTableWriter;
import io.ecompipeline.observe.PipelineMetrics;
import io.ecompipeline.orchestrate.BatchFailures;
import io.ecompipeline.state.BatchStore;
import io.ecompipeline.state.StateApplier;
import io.ecompipeline.validate.BatchRules;
import io.ecompipeline.validate.FileValidator;
import io.ecompipeline.validate.RejectedRowFiles;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The beans of a batch's steps (routes/batch.camel.yaml, kpi.camel.yaml, curated.camel.yaml), in the order they run:
 * validate each file, the batch rules, apply, the KPIs, the curated zone, finish; and the one failure path both
 * orchestrators share.
 */
@Configuration
public class BatchConfiguration implements CamelConfiguration {

    /** Files of a batch validated at once ({@code pipeline.validation.threads}; 0 = one per processor core). */
    @BindToRegistry(lazy = true)
    public ExecutorService validationPool(CamelContext context,
            @PropertyInject("pipeline.validation.threads") int threads) {
        return context.getExecutorServiceManager().newFixedThreadPool(this, "validate-file", validationThreads(threads));
    }

    static int validationThreads(int threads) {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }

    @BindToRegistry(lazy = true)
    public ExecutorService kpiWritePool(CamelContext context, @PropertyInject("pipeline.dynamodb.writers") int writers) {
        return context.getExecutorServiceManager().newFixedThreadPool(this, "write-kpis", writers);
    }

    @BindToRegistry(lazy = true)
    public FileValidator fileValidator(CamelContext context, @BeanInject("dataSource") DataSource dataSource,
            @BeanInject("s3Objects") S3Objects objects, @BeanInject("batchStore") BatchStore batches,
            @PropertyInject("pipeline.validation.max-raw-chars") int maxRawChars,
            @PropertyInject("pipeline.validation.max-field-chars") int maxFieldChars,
            @PropertyInject("pipeline.progress-every") Duration progressEvery) {
        return new FileValidator(context, dataSource, objects, batches,
                new FileValidator.Limits(maxRawChars, maxFieldChars, progressEvery.toMillis()));
    }

    @BindToRegistry(lazy = true)
    public BatchRules batchRules(@BeanInject("dataSource") DataSource dataSource,
            @BeanInject("batchStore") BatchStore batches, @BeanInject("s3Prefixes") S3Prefixes prefixes,
            @PropertyInject("pipeline.validation.max-rejected-share") String maxRejectedShare) {
        String share = Settings.orNull(maxRejectedShare);
        return new BatchRules(dataSource, batches, prefixes, share == null ? null : Double.valueOf(share));
    }

    @BindToRegistry(lazy = true)
    public RejectedRowFiles rejectedRowFiles(@BeanInject("dataSource") DataSource dataSource,
            @BeanInject("s3Objects") S3Objects objects, @BeanInject("batchStore") BatchStore batches,
            @PropertyInject("pipeline.validation.max-raw-chars") int maxRawChars) {
        return new RejectedRowFiles(dataSource, objects, batches, maxRawChars);
    }

    @BindToRegistry(lazy = true)
    public StateApplier stateApplier(@BeanInject("dataSource") DataSource dataSource,
            @PropertyInject("pipeline.report.moved-order-examples") int movedOrderExamples) {
        return new StateApplier(dataSource, movedOrderExamples);
    }

    @BindToRegistry(lazy = true)
    public KpiItems kpiItems(@BeanInject("dataSource") DataSource dataSource) {
        return new KpiItems(dataSource);
    }

    /** The KPI step's results kept for the curated zone (pipeline.order_kpis, pipeline.category_kpis). */
    @BindToRegistry(lazy = true)
    public KpiResults kpiResults(@BeanInject("dataSource") DataSource dataSource) {
        return new KpiResults(dataSource);
    }

    @BindToRegistry(lazy = true)
    public KpiQueryPlan kpiQueryPlan(@BeanInject("dataSource") DataSource dataSource,
            @PropertyInject("pipeline.kpi.per-order-max-share") double perOrderMaxShare) {
        return new KpiQueryPlan(dataSource, perOrderMaxShare);
    }

    @BindToRegistry(lazy = true)
    public KpiTableWriter kpiTableWriter(@BeanInject("dynamoDbClient") DynamoDbClient dynamoDb,
            @PropertyInject("pipeline.dynamodb.max-write-attempts") int maxWriteAttempts,
            @PropertyInject("pipeline.dynamodb.order-kpis-table") String orderTable,
            @PropertyInject("pipeline.dynamodb.category-kpis-table") String categoryTable,
            @BeanInject("pipelineMetrics") PipelineMetrics metrics) {
        metrics.kpiTables(orderTable, categoryTable); // their counters at 0 from the start
        return new KpiTableWriter(dynamoDb, maxWriteAttempts, metrics);
    }

    @BindToRegistry(lazy = true)
    public CuratedZone curatedZone(CamelContext context, @BeanInject("dataSource") DataSource dataSource,
            @BeanInject("s3Objects") S3Objects objects, @BeanInject("s3Prefixes") S3Prefixes prefixes,
            @PropertyInject("pipeline.curated.uploads") int uploads) {
        return new CuratedZone(dataSource, objects, prefixes.curated(),
                context.getExecutorServiceManager().newFixedThreadPool(this, "curated-uploads", uploads), uploads);
    }

    @BindToRegistry(lazy = true)
    public BatchFinisher batchFinisher(@BeanInject("s3Objects") S3Objects objects,
            @BeanInject("batchStore") BatchStore batches, @BeanInject("s3Prefixes") S3Prefixes prefixes,
            @BeanInject("pipelineMetrics") PipelineMetrics metrics) {
        return new BatchFinisher(objects, batches, prefixes, metrics);
    }

    /** The batch-step-failure path of both orchestrators: logged once, recorded on the batch, rethrown. */
    @BindToRegistry(lazy = true)
    public BatchFailures batchFailures(@BeanInject("batchStore") BatchStore batches,
            @BeanInject("batchEvents") BatchEvents events) {
        return new BatchFailures(batches, events);
    }
}
