package io.ecompipeline.reload;

import java.util.Map;
import java.util.TreeMap;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Not ready while a file of the routes folder failed to load: its old routes keep running, so the instance works, but
 * not as its files say, and a restart would fail on that file. Readiness is where an operator and a rolling update
 * look (besides the ERROR line and {@code pipeline_routes_reload_failed{file}}); a version of the file that loads, or
 * the running version put back, makes it ready again.
 */
public class RoutesFolderReadinessCheck extends AbstractHealthCheck {

    private final RoutesFolderReloader reloader;

    public RoutesFolderReadinessCheck(RoutesFolderReloader reloader) {
        super("pipeline", "routes-folder");
        this.reloader = reloader;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Map<String, String> failed = new TreeMap<>(reloader.failedFiles());
        builder.detail("failed_files", failed.size());
        if (failed.isEmpty()) {
            builder.up();
            return;
        }
        builder.down();
        StringBuilder message = new StringBuilder("routes files that could not be loaded (their previous routes run): ");
        failed.forEach((file, cause) -> message.append(file).append(": ").append(cause).append("; "));
        builder.message(message.substring(0, message.length() - 2));
    }
}
