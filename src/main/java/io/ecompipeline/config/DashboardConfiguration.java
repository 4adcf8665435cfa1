package io.ecompipeline.config;

import javax.sql.DataSource;

import io.ecompipeline.common.S3Objects;
import io.ecompipeline.common.Settings;
import io.ecompipeline.dashboard.DashboardAssets;
import io.ecompipeline.dashboard.DashboardData;
import io.ecompipeline.dashboard.DashboardHttpEngine;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The beans behind the KPI dashboard's routes (routes/dashboard.camel.yaml), over the clients AwsConfiguration and DatabaseConfiguration make, and the
 * platform-http engine that serves them on the dashboard's port.
 */
public class DashboardConfiguration implements CamelConfiguration {

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
