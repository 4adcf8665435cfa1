package io.ecompipeline.config;

import javax.sql.DataSource;

import io.ecompipeline.common.S3Objects;
import io.ecompipeline.common.Settings;
import io.ecompipeline.dashboard.DashboardApi;
import io.ecompipeline.dashboard.DashboardAssets;
import io.ecompipeline.dashboard.DashboardData;
import io.ecompipeline.dashboard.DashboardHttpEngine;
import io.ecompipeline.dashboard.OpenBatchStatus;
import io.ecompipeline.dashboard.RejectedRows;
import io.ecompipeline.ingest.BatchCompletion;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The beans behind the KPI dashboard's routes (routes/dashboard.camel.yaml), over the clients AwsConfiguration and DatabaseConfiguration make, and the
 * platform-http engine that serves them on the dashboard's port. The open batch is read from IngestConfiguration's
 * batchCompletion, looked up per request (it is bound lazily), so the dashboard needs no change there.
 */
public class DashboardConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = new Settings(context);
        var registry = context.getRegistry();
        S3Objects s3 = registry.lookupByNameAndType("s3Objects", S3Objects.class);
        DashboardData data = new DashboardData(registry.lookupByNameAndType("dynamoDbClient", DynamoDbClient.class),
                settings.get("pipeline.dynamodb.order-kpis-table"), settings.get("pipeline.dynamodb.category-kpis-table"),
                registry.lookupByNameAndType("dataSource", DataSource.class), s3, settings.get("pipeline.prefix.reports"),
                settings.getInt("pipeline.dashboard.recent-batches"));
        registry.bind("dashboardData", data);
        // batchCompletion is bound lazily by IngestConfiguration: looked up when the page asks
        OpenBatchStatus openBatch = new OpenBatchStatus(
                () -> registry.lookupByNameAndType("batchCompletion", BatchCompletion.class),
                settings.getDuration("pipeline.batch.force-after"), "once it holds "
                        + settings.getInt("pipeline.batch.min-order-files") + " orders and "
                        + settings.getInt("pipeline.batch.min-item-files") + " items files");
        registry.bind("dashboardApi", new DashboardApi(data, openBatch, settings.getInt("pipeline.dashboard.days"),
                settings.getInt("pipeline.dashboard.max-days"), settings.get("pipeline.dashboard.currency")));
        registry.bind("dashboardRejectedRows", new RejectedRows(s3, settings.get("pipeline.prefix.rejected")));
        registry.bind("dashboardAssets", new DashboardAssets());
        registry.bind(DashboardHttpEngine.NAME, new DashboardHttpEngine());
    }
}
