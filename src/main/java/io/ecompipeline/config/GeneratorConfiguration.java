package io.ecompipeline.config;

import java.time.LocalDate;
import java.util.Set;
import java.util.function.BooleanSupplier;

import com.zaxxer.hikari.HikariDataSource;
import io.ecompipeline.common.S3Objects;
import io.ecompipeline.common.Settings;
import io.ecompipeline.generate.GeneratorConfig;
import io.ecompipeline.generate.GeneratorService;
import io.ecompipeline.generate.RunSettings;
import io.ecompipeline.observe.PipelineMetrics;
import io.ecompipeline.orchestrate.ProcessingLease;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The data generator's bean, {@code shopGenerator} (a {@link GeneratorService}), from the {@code pipeline.generator.*}
 * settings: the defaults of a run and how a run writes its exports.
 */
@Configuration
public class GeneratorConfiguration implements CamelConfiguration {

    @BindToRegistry(lazy = true)
    public GeneratorService shopGenerator(CamelContext context, @BeanInject("dataSource") HikariDataSource dataSource,
            @BeanInject("s3Objects") S3Objects s3, @BeanInject("pipelineMetrics") PipelineMetrics metrics,
            @BeanInject("dynamoDbClient") DynamoDbClient dynamoDb) {
        Settings settings = new Settings(context);
        String lockTable = settings.get("pipeline.dynamodb.lock-table");
        BooleanSupplier collecting = () -> ProcessingLease.isHeldByAnyone(dynamoDb, lockTable,
                ProcessingLease.COLLECTOR);
        return new GeneratorService(dataSource, s3, defaults(settings), runSettings(settings, collecting), metrics);
    }

    private static GeneratorConfig defaults(Settings settings) {
        String through = settings.optional("pipeline.generator.through");
        return new GeneratorConfig(settings.get("pipeline.generator.mode"),
                settings.getInt("pipeline.generator.history-days"),
                Double.parseDouble(settings.get("pipeline.generator.scale")),
                Long.parseLong(settings.get("pipeline.generator.seed")),
                through == null || through.isBlank() ? null : LocalDate.parse(through),
                settings.getBoolean("pipeline.generator.export-history"),
                settings.getBoolean("pipeline.generator.export-daily"),
                settings.getInt("pipeline.generator.export-order-files"),
                settings.getInt("pipeline.generator.export-item-files"), 0,
                settings.getInt("pipeline.generator.days-per-commit"),
                Double.parseDouble(settings.get("pipeline.generator.return-rate")), Set.of());
    }

    /** Exports into incoming/ feed the pipeline: a run then waits for each day's set to be collected. */
    private static RunSettings runSettings(Settings settings, BooleanSupplier collecting) {
        String exportPrefix = settings.optional("pipeline.generator.export-prefix");
        String incoming = settings.get("pipeline.prefix.incoming");
        boolean feedsPipeline = exportPrefix == null || exportPrefix.isBlank() || exportPrefix.equals(incoming);
        return new RunSettings(feedsPipeline ? incoming : exportPrefix,
                settings.getMillis("pipeline.generator.progress-every"),
                feedsPipeline ? settings.getMillis("pipeline.generator.export-wait") : 0, collecting);
    }
}
