package io.ecompipeline.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.ecompipeline.common.S3Objects;
import io.ecompipeline.generate.GeneratorService;
import org.apache.camel.CamelContext;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@code demo}: generates a few days of the simulated shop with the data generator (exports to {@code generated/}),
 * ingests each day's file set as one wave, and prints the two KPI tables.
 */
final class DemoCommand {

    int run() throws Exception {
        Path data = Files.createTempDirectory("ecom-pipeline-demo-input");
        // bin/ecom-pipeline sets PIPELINE_HOME to the repository, so the output lands in its target/ wherever it runs
        Path output = Path.of(System.getenv().getOrDefault("PIPELINE_HOME", "."), "target", "demo-output");
        try (PipelineApp app = new PipelineApp(Map.of("pipeline.poll.delay", "200",
                "pipeline.generator.schedule-enabled", "false", "pipeline.generator.export-prefix", "generated/"))) {
            CamelContext context = app.start();
            GeneratorService generator = app.bean("shopGenerator", GeneratorService.class);
            generator.run(generator.with(Map.of("mode", "initial", "days", "3", "scale", "0.05", "export", "true",
                    "through", java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(1).toString())), true);
            S3Objects s3 = app.bean("s3Objects", S3Objects.class);
            for (var o : s3.list("generated/")) {
                String name = o.key().substring("generated/".length());
                java.util.regex.Matcher day = java.util.regex.Pattern.compile("\\d{4}-\\d{2}-\\d{2}").matcher(name);
                if (day.find()) {
                    Path file = data.resolve(day.group()).resolve(name);
                    Files.createDirectories(file.getParent());
                    Files.write(file, s3.read(o.key()));
                }
            }
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
