package io.ecompipeline.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Properties;

import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.Message;

/**
 * Serves the dashboard's static files from the classpath: the page, its script and style, and Chart.js from its
 * WebJar (so the page needs nothing from the internet). Only the names listed here are served.
 */
public class DashboardAssets {

    private static final String CHART_JS_POM = "/META-INF/maven/org.webjars.npm/chart.js/pom.properties";

    private final Map<String, Asset> assets;

    record Asset(String resource, String contentType) {
    }

    public DashboardAssets() throws IOException {
        this.assets = Map.of(
                "index.html", new Asset("/dashboard/index.html", "text/html; charset=utf-8"),
                "dashboard.js", new Asset("/dashboard/dashboard.js", "text/javascript; charset=utf-8"),
                "dashboard.css", new Asset("/dashboard/dashboard.css", "text/css; charset=utf-8"),
                "chart.umd.min.js", new Asset("/META-INF/resources/webjars/chart.js/" + chartJsVersion()
                        + "/dist/chart.umd.min.js", "text/javascript; charset=utf-8"));
    }

    /** The Chart.js version on the classpath, from its WebJar's Maven metadata. */
    static String chartJsVersion() throws IOException {
        try (InputStream in = DashboardAssets.class.getResourceAsStream(CHART_JS_POM)) {
            if (in == null) {
                throw new IllegalStateException("Chart.js WebJar (org.webjars.npm:chart.js) is not on the classpath");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        }
    }

    /** Sets the message's body and Content-Type to the named asset, or answers 404 for any other name. */
    public void serve(@Header("asset") String name, Message message) throws IOException {
        Asset asset = name == null ? null : assets.get(name);
        if (asset == null) {
            message.setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
            message.setHeader(Exchange.CONTENT_TYPE, "text/plain; charset=utf-8");
            message.setBody("Not found: " + name);
            return;
        }
        try (InputStream in = DashboardAssets.class.getResourceAsStream(asset.resource())) {
            if (in == null) {
                throw new IllegalStateException("Dashboard asset " + asset.resource() + " is missing from the classpath");
            }
            message.setBody(in.readAllBytes());
        }
        message.setHeader(Exchange.CONTENT_TYPE, asset.contentType());
        message.setHeader("Cache-Control", "no-cache");
    }
}
