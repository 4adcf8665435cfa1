package io.ecompipeline.config;

import java.io.IOException;

import com.zaxxer.hikari.HikariDataSource;
import io.ecompipeline.common.S3Objects;
import io.ecompipeline.common.Settings;
import io.ecompipeline.dashboard.DashboardApi;
import io.ecompipeline.dashboard.DashboardAssets;
import io.ecompipeline.dashboard.DashboardData;
import io.ecompipeline.dashboard.DashboardHttpEngine;
import io.ecompipeline.dashboard.OpenBatchStatus;
import io.ecompipeline.dashboard.RejectedRows;
import io.ecompipeline.ingest.BatchCompletion;
import io.ecompipeline.kpi.KpiReader;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The beans behind the KPI dashboard's routes (routes/dashboard.camel.yaml), over the clients AwsConfiguration and
 * DatabaseConfiguration make, and the platform-http engine that serves them on the dashboard's port. The open batch is
 * read from IngestConfiguration's batchCompletion, looked up per request (it is bound lazily and exists only where
 * the collector runs), so the dashboard needs no change there.
 */
@Configuration
public class DashboardConfiguration implements CamelConfiguration {

    @BindToRegistry(lazy = true)
    public DashboardData dashboardData(@BeanInject("dynamoDbClient") DynamoDbClient dynamoDb,
            @PropertyInject("pipeline.dynamodb.order-kpis-table") String orderTable,
            @PropertyInject("pipeline.dynamodb.category-kpis-table") String categoryTable,
            @BeanInject("dataSource") HikariDataSource dataSource, @BeanInject("s3Objects") S3Objects s3,
            @PropertyInject("pipeline.prefix.reports") String reportsPrefix,
            @PropertyInject("pipeline.dashboard.recent-batches") int recentBatches) {
        return new DashboardData(new KpiReader(dynamoDb, orderTable, categoryTable), dataSource, s3,
                reportsPrefix, recentBatches);
    }

    @BindToRegistry(lazy = true)
    public DashboardApi dashboardApi(CamelContext context, @BeanInject("dashboardData") DashboardData data) {
        Settings settings = new Settings(context);
        OpenBatchStatus openBatch = new OpenBatchStatus(
                () -> context.getRegistry().lookupByNameAndType("batchCompletion", BatchCompletion.class),
                settings.getDuration("pipeline.batch.force-after"), "once it holds "
                        + settings.getInt("pipeline.batch.min-order-files") + " orders and "
                        + settings.getInt("pipeline.batch.min-item-files") + " items files");
        return new DashboardApi(data, openBatch, settings.getInt("pipeline.dashboard.days"),
                settings.getInt("pipeline.dashboard.max-days"), settings.get("pipeline.dashboard.currency"));
    }

    @BindToRegistry(lazy = true)
    public RejectedRows dashboardRejectedRows(@BeanInject("s3Objects") S3Objects s3,
            @PropertyInject("pipeline.prefix.rejected") String rejectedPrefix) {
        return new RejectedRows(s3, rejectedPrefix);
    }

    @BindToRegistry(lazy = true)
    public DashboardAssets dashboardAssets() throws IOException {
        return new DashboardAssets();
    }

    /** Bound under platform-http's engine name, so the dashboard's routes are served by the dashboard's server. */
    @BindToRegistry(DashboardHttpEngine.NAME)
    public DashboardHttpEngine platformHttpEngine() {
        return new DashboardHttpEngine();
    }
}
