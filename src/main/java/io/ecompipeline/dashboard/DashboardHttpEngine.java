package io.ecompipeline.dashboard;

import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpEngine;

/**
 * platform-http's engine, tied to the dashboard's server ({@code camel.server.*}). Camel's engine finds the port of
 * its routes by looking for the one Vert.x server of the context; {@code run} has two (the dashboard's and the
 * management server's), so it fell back to 8080 and the dashboard routes found no server on any other port
 * ({@code No PlatformHttpEngine created and setup in registry with name: platform-http-router-8080}). Bound as the
 * bean {@code platform-http-engine}, which the component looks up first.
 */
public class DashboardHttpEngine extends VertxPlatformHttpEngine {

    public static final String NAME = "platform-http-engine";

    @Override
    public int getServerPort() {
        MainHttpServer dashboard = getCamelContext().hasService(MainHttpServer.class);
        // the asked port names the server's router (0 when the server picks one: the routes look that up too)
        return dashboard != null ? dashboard.getPort() : super.getServerPort();
    }
}
