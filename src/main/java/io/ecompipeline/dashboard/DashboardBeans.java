package io.ecompipeline.dashboard;

import javax.sql.DataSource;

import io.ecompipeline.common.S3Objects;
import io.ecompipeline.common.Settings;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The beans behind the KPI dashboard's routes (routes/dashboard.camel.yaml), over the clients PipelineBeans made, and the
 * platform-http engine that serves them on the dashboard's port.
 */
public class DashboardBeans implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = new Settings(context);
        var registry = context.getRegistry();
        registry.bind("dashboardData", new DashboardData(
                registry.lookupByNameAndType("dynamoDbClient", DynamoDbClient.class),
                settings.get("pipeline.dynamodb.order-kpis-table"), settings.get("pipeline.dynamodb.category-kpis-table"),
                registry.lookupByNameAndType("dataSource", DataSource.class),
                registry.lookupByNameAndType("s3Objects", S3Objects.class), settings.get("pipeline.prefix.reports"),
                settings.getInt("pipeline.dashboard.days"), settings.getInt("pipeline.dashboard.recent-batches")));
        registry.bind("dashboardAssets", new DashboardAssets());
        registry.bind(DashboardHttpEngine.NAME, new DashboardHttpEngine());
    }
}
