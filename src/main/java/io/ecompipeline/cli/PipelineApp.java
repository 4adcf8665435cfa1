package io.ecompipeline.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;

import io.ecompipeline.infra.Settings;
import io.ecompipeline.infra.StartupException;
import io.ecompipeline.observe.ManagementServer;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Camel Main application, started for the life of one command. With {@code pipeline.routes.dir} (env
 * {@code PIPELINE_ROUTES_DIR}) set, the YAML routes are loaded from that folder instead of the bundled ones and
 * reloaded live when a file there changes ({@link io.ecompipeline.routes.RoutesFolderReloader}); the Java routes stay.
 */
public final class PipelineApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineApp.class);

    private final Main main = new Main();
    private final boolean serverChosen;
    private final Map<String, String> overrides;
    private final UnaryOperator<String> setting;

    /** {@code overrides} win over application.properties, system properties and environment variables. */
    public PipelineApp(Map<String, String> overrides) {
        setting = Settings.beforeStart(overrides);
        String routesDir = setting.apply("pipeline.routes.dir");
        if (routesDir != null && !routesDir.isBlank()) {
            Path dir = Path.of(routesDir.trim()).toAbsolutePath();
            if (!Files.isDirectory(dir)) {
                throw new StartupException("pipeline.routes.dir " + dir + " is not a folder", null);
            }
            main.addOverrideProperty("camel.main.routes-include-pattern", "file:" + dir + "/*.yaml");
        }
        overrides.forEach(main::addOverrideProperty);
        serverChosen = overrides.containsKey("camel.server.enabled");
        this.overrides = overrides;
    }

    /**
     * The management server (health, metrics, Jolokia) serves {@code run}; the one-shot commands and tests bind no
     * port for it unless the overrides set {@code pipeline.management.enabled}.
     */
    private void configureManagement(boolean service) {
        boolean enabled = (service || overrides.containsKey("pipeline.management.enabled"))
                && Boolean.parseBoolean(setting.apply("pipeline.management.enabled"));
        ManagementServer.overrides(setting, enabled).forEach(main::addOverrideProperty);
    }

    /**
     * Starts the application for a one-shot command or a test: without the embedded HTTP server (the dashboard)
     * unless the overrides turn it on, so commands and tests never compete for its port.
     */
    public CamelContext start() throws Exception {
        if (!serverChosen) {
            main.addOverrideProperty("camel.server.enabled", "false");
        }
        configureManagement(false);
        main.start();
        return main.getCamelContext();
    }

    public int runForever() throws Exception {
        configureManagement(true);
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterStart(BaseMainSupport started) {
                CamelContext c = started.getCamelContext();
                LOG.info(
                        "ecom-pipeline is running: polling s3://{}/{} every {} ms. Stop with Ctrl-C (SIGTERM).",
                        c.resolvePropertyPlaceholders("{{pipeline.bucket}}"),
                        c.resolvePropertyPlaceholders("{{pipeline.prefix.incoming}}"),
                        c.resolvePropertyPlaceholders("{{pipeline.poll.delay}}"));
                String dashboard = dashboardUrl(c);
                if (dashboard != null) {
                    LOG.info("KPI dashboard: {}", dashboard);
                }
                String management = ManagementServer.url(c);
                if (management != null) {
                    LOG.info("Management: {}/health/ready, {}/metrics, {}/jolokia", management, management, management);
                }
            }
        });
        main.run();
        return main.getExitCode();
    }

    /** Where the embedded HTTP server serves the dashboard (the bound port, also when 0 was asked), or null. */
    public static String dashboardUrl(CamelContext context) {
        var server = context.hasService(VertxPlatformHttpServer.class);
        if (server == null) {
            return null;
        }
        return "http://" + server.getHost() + ":" + server.getPort() + "/dashboard";
    }

    public <T> T bean(String name, Class<T> type) {
        T bean = main.getCamelContext().getRegistry().lookupByNameAndType(name, type);
        if (bean == null) {
            throw new IllegalStateException("No bean " + name + " of type " + type.getSimpleName());
        }
        return bean;
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    @Override
    public void close() throws Exception {
        main.stop();
    }
}
