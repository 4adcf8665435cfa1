package io.ecompipeline.config;

import java.nio.file.Path;

import io.ecompipeline.common.Settings;
import io.ecompipeline.reload.RoutesFolderReadinessCheck;
import io.ecompipeline.reload.RoutesFolderReloader;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;

/**
 * With {@code pipeline.routes.dir} set, the YAML routes come from that folder (PipelineApp points Camel Main's include
 * pattern at it) and are reloaded live when a file's content changes ({@link RoutesFolderReloader}).
 */
@Configuration
public class ReloadConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = new Settings(context);
        String routesDir = settings.optional("pipeline.routes.dir");
        if (routesDir != null) {
            RoutesFolderReloader reloader = new RoutesFolderReloader(Path.of(routesDir),
                    settings.getDuration("pipeline.routes.poll-interval"));
            reloader.setCamelContext(context);
            reloader.snapshot(); // before Camel Main loads the folder's routes
            context.addService(reloader);
            context.getRegistry().bind("routesFolderReadinessCheck", new RoutesFolderReadinessCheck(reloader));
        }
    }
}
