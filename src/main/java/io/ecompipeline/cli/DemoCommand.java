package io.ecompipeline.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** {@code demo}: generates a small data set, ingests it wave by wave, and prints the two KPI tables. */
final class DemoCommand {

    int run() throws Exception {
        Path data = Files.createTempDirectory("ecom-pipeline-demo-input");
        new DemoData().write(data);
        // bin/ecom-pipeline sets PIPELINE_HOME to the repository, so the output lands in its target/ wherever it runs
        Path output = Path.of(System.getenv().getOrDefault("PIPELINE_HOME", "."), "target", "demo-output");
        try (PipelineApp app = new PipelineApp(Map.of("pipeline.poll.delay", "200"))) {
            CamelContext context = app.start();
            IngestCommand.Summary summary = IngestCommand.ingestWaves(app, context, IngestCommand.waves(data),
                    Duration.ofMinutes(5));
            summary.export(output);
            KpiExport kpis = new KpiExport(app.bean("dynamoDbClient", DynamoDbClient.class));
            List<List<String>> orders = kpis.rows(context.resolvePropertyPlaceholders(
                    "{{pipeline.dynamodb.order-kpis-table}}"), KpiExport.ORDER_COLUMNS, 1);
            List<List<String>> categories = kpis.rows(context.resolvePropertyPlaceholders(
                    "{{pipeline.dynamodb.category-kpis-table}}"), KpiExport.CATEGORY_COLUMNS, 2);
            System.out.println();
            System.out.println("OrderKPIs");
            System.out.println(KpiExport.table(KpiExport.ORDER_COLUMNS, orders));
            System.out.println("CategoryKPIs");
            System.out.println(KpiExport.table(KpiExport.CATEGORY_COLUMNS, categories));
            System.out.println(summary.describe(output));
            return summary.complete() ? 0 : 1;
        } finally {
            try (var files = Files.walk(data)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
