package io.ecompipeline.config;

import java.time.LocalDate;

import javax.sql.DataSource;

import io.ecompipeline.common.S3Objects;
import io.ecompipeline.common.Settings;
import io.ecompipeline.generate.GeneratorConfig;
import io.ecompipeline.generate.GeneratorService;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

/** Binds {@code shopGenerator} (a {@link GeneratorService}) from the {@code pipeline.generator.*} settings. */
public class GeneratorConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = new Settings(context);
        String through = settings.optional("pipeline.generator.through");
        GeneratorConfig config = new GeneratorConfig(settings.get("pipeline.generator.mode"),
                settings.getInt("pipeline.generator.history-days"),
                Double.parseDouble(settings.get("pipeline.generator.scale")),
                Long.parseLong(settings.get("pipeline.generator.seed")),
                through == null || through.isBlank() ? null : LocalDate.parse(through),
                settings.getBoolean("pipeline.generator.export-history"),
                settings.getBoolean("pipeline.generator.export-daily"),
                settings.getInt("pipeline.generator.export-order-files"),
                settings.getInt("pipeline.generator.export-item-files"), 0,
                settings.getInt("pipeline.generator.days-per-commit"),
                Double.parseDouble(settings.get("pipeline.generator.return-rate")), java.util.Set.of());
        String exportPrefix = settings.optional("pipeline.generator.export-prefix");
        DataSource dataSource = context.getRegistry().lookupByNameAndType("dataSource", DataSource.class);
        S3Objects s3 = context.getRegistry().lookupByNameAndType("s3Objects", S3Objects.class);
        String incoming = settings.get("pipeline.prefix.incoming");
        boolean feedsPipeline = exportPrefix == null || exportPrefix.isBlank() || exportPrefix.equals(incoming);
        context.getRegistry().bind("shopGenerator", new GeneratorService(dataSource, s3, config,
                feedsPipeline ? incoming : exportPrefix, settings.getMillis("pipeline.generator.progress-every"),
                feedsPipeline ? settings.getMillis("pipeline.generator.export-wait") : 0,
                ObservabilityConfiguration.metrics(context)));
    }
}
