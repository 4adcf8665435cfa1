package io.ecompipeline.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

import io.ecompipeline.common.Settings;
import io.ecompipeline.common.StartupException;
import io.ecompipeline.observe.ManagementServer;
import io.ecompipeline.reload.RouteLoadFailures;
import io.ecompipeline.reload.RoutesFolderReloader;
import io.vertx.core.http.impl.HttpServerImpl;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.component.platform.http.plugin.JolokiaPlatformHttpPlugin;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Camel Main application, started for the life of one command. With {@code pipeline.routes.dir} (env
 * {@code PIPELINE_ROUTES_DIR}) set, the YAML routes are loaded from that folder instead of the bundled ones and
 * reloaded live when a file there changes ({@link io.ecompipeline.reload.RoutesFolderReloader}); the Java routes stay.
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
            RoutesFolderReloader.requireYaml(dir);
            main.addOverrideProperty("camel.main.routes-include-pattern", "file:" + dir + "/*.camel.yaml");
        }
        overrides.forEach(main::addOverrideProperty);
        serverChosen = overrides.containsKey("camel.server.enabled");
        this.overrides = overrides;
    }

    /**
     * The management server (health, metrics, Jolokia) serves {@code run}; the one-shot commands and tests bind no
     * port for it unless the overrides set {@code pipeline.management.enabled}. Returns its {@code camel.management.*}
     * settings.
     */
    private Map<String, String> configureManagement(boolean service) {
        boolean enabled = (service || overrides.containsKey("pipeline.management.enabled"))
                && Boolean.parseBoolean(setting.apply("pipeline.management.enabled"));
        Map<String, String> camel = ManagementServer.overrides(setting, enabled);
        camel.forEach(main::addOverrideProperty);
        return camel;
    }

    /** Our Jolokia in place of Camel's (see {@link io.ecompipeline.observe.ManagementJolokia}). */
    private void bindJolokia(Map<String, String> management) {
        if (Boolean.parseBoolean(management.get("camel.management.enabled"))) {
            ManagementServer.deleteOldUsersFiles(Path.of(System.getProperty("java.io.tmpdir")));
            main.bind(JolokiaPlatformHttpPlugin.NAME, ManagementServer.jolokia(setting));
        }
    }

    /**
     * Starts the application for a one-shot command or a test: without the embedded HTTP server (the dashboard)
     * unless the overrides turn it on, so commands and tests never compete for its port.
     */
    public CamelContext start() throws Exception {
        if (!serverChosen) {
            main.addOverrideProperty("camel.server.enabled", "false");
        }
        bindJolokia(configureManagement(false));
        try {
            main.start();
        } catch (Exception e) {
            throw routeFailureOr(e);
        }
        return main.getCamelContext();
    }

    public int runForever() throws Exception {
        Map<String, String> management = configureManagement(true);
        // a port another process holds: say so now, instead of a WARN from the HTTP server and a URL it does not serve
        if (Boolean.parseBoolean(serverSetting("camel.server.enabled", "pipeline.dashboard.enabled"))) {
            requireFreePort(serverSetting("camel.server.host", "pipeline.dashboard.host"),
                    serverSetting("camel.server.port", "pipeline.dashboard.port"), "pipeline.dashboard.port");
        }
        if (Boolean.parseBoolean(management.get("camel.management.enabled"))) {
            requireFreePort(management.get("camel.management.host"), management.get("camel.management.port"),
                    "pipeline.management.port");
        }
        bindJolokia(management);
        StartupException[] failure = new StartupException[1];
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterStart(BaseMainSupport started) {
                CamelContext c = started.getCamelContext();
                // taken between the check above and the server's start: stop rather than run without it
                failure[0] = unboundServer(c);
                if (failure[0] != null) {
                    main.completed();
                    return;
                }
                logRunning(c);
            }
        });
        try {
            main.run();
        } catch (Exception e) {
            throw routeFailureOr(e);
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        return main.getExitCode();
    }

    /** A start that failed on a routes file, told in one line (exit code 3); any other error as it is. */
    private Exception routeFailureOr(Exception error) {
        StartupException routes = RouteLoadFailures.explain(error, main.getCamelContext());
        return routes != null ? routes : error;
    }

    /** What runs and where an operator finds it. */
    private static void logRunning(CamelContext c) {
        LOG.info("ecom-pipeline is running: polling s3://{}/{} every {} ms. Stop with Ctrl-C (SIGTERM).",
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
        // bin/ecom-pipeline's embedded servers: where they are and how to reach them (io.ecompipeline.local)
        String local = System.getProperty("ecompipeline.local.summary");
        if (local != null) {
            LOG.info(local);
        }
    }

    /** A {@code camel.server.*} setting as the overrides give it, else the {@code pipeline.dashboard.*} it follows. */
    private String serverSetting(String camelKey, String pipelineKey) {
        return overrides.containsKey(camelKey) ? overrides.get(camelKey) : setting.apply(pipelineKey);
    }

    private static void requireFreePort(String host, String port, String key) {
        if (port == null || "0".equals(port.trim())) {
            return;
        }
        try (ServerSocket socket = new ServerSocket()) {
            // as Vert.x binds: a port only in TIME_WAIT is free
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(host, Integer.parseInt(port.trim())));
        } catch (NumberFormatException e) {
            throw new StartupException(key + " must be a port number, got '" + port + "'", null);
        } catch (IOException e) {
            throw portTaken(host, port.trim(), key);
        }
    }

    private static StartupException portTaken(String host, String port, String key) {
        return new StartupException("Port " + port + " on " + host + " is already in use by another process: set "
                + key + " (" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_')
                + ") to a free port, or 0 for any", null);
    }

    /** The dashboard's or the management server's HTTP server if it failed to bind (Vert.x only logs a WARN). */
    private static StartupException unboundServer(CamelContext context) {
        MainHttpServer dashboard = context.hasService(MainHttpServer.class);
        if (dashboard != null && !listening(dashboard.getRouter())) {
            return portTaken(dashboard.getHost(), Integer.toString(dashboard.getPort()), "pipeline.dashboard.port");
        }
        ManagementHttpServer management = context.hasService(ManagementHttpServer.class);
        if (management != null && !listening(management.getRouter())) {
            return portTaken(management.getHost(), Integer.toString(management.getPort()), "pipeline.management.port");
        }
        return null;
    }

    private static boolean listening(VertxPlatformHttpRouter router) {
        // a failed listen leaves the server closed, while actualPort() still answers the asked port
        return router == null || router.getServer() == null
                || !(router.getServer().getServer() instanceof HttpServerImpl server) || !server.isClosed();
    }

    /**
     * Where the embedded HTTP server serves the dashboard (the bound port, also when 0 was asked), or null. The
     * management server is a second Vert.x server in the same context, so the dashboard's is found through its owner.
     */
    public static String dashboardUrl(CamelContext context) {
        MainHttpServer main = context.hasService(MainHttpServer.class);
        if (main == null || main.getRouter() == null || main.getRouter().getServer() == null) {
            return null;
        }
        VertxPlatformHttpServer server = main.getRouter().getServer();
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
