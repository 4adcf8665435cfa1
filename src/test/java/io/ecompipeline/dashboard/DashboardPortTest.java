package io.ecompipeline.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.ecompipeline.support.ChildPipeline;
import io.ecompipeline.support.TestPipeline;
import org.junit.jupiter.api.Test;

/**
 * {@code run} (in a child JVM, beside its management server) serves the dashboard on whatever port it is given, and a
 * port another process holds stops the start with one line naming the port and the setting, exit code 3: no stack
 * trace, no banner announcing a URL that the other process serves.
 */
class DashboardPortTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void theDashboardIsServedOnTheChosenPort() throws Exception {
        TestPipeline.reset();
        int port = freePort();
        Path log = Path.of("target/dashboard-port-test/chosen-port.log");
        Files.deleteIfExists(log);
        try (ChildPipeline app = ChildPipeline.start(TestPipeline.services(), Map.of(
                "pipeline.dashboard.port", Integer.toString(port), "pipeline.generator.schedule-enabled", "false"), log)) {
            String banner = "KPI dashboard: http://127.0.0.1:" + port + "/dashboard";
            assertThat(app.awaitLog(banner, 180_000)).as("banner in %s", log).isTrue();
            HttpResponse<String> page = get("http://127.0.0.1:" + port + "/dashboard");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("<canvas");
            HttpResponse<String> batches = get("http://127.0.0.1:" + port + "/dashboard/api/batches");
            assertThat(batches.statusCode()).isEqualTo(200);
            assertThat(batches.body()).startsWith("[");
            assertThat(app.output()).doesNotContain("ERROR").doesNotContain("\tat ");
        }
    }

    @Test
    void aTakenDashboardPortStopsTheStartWithOneClearLine() throws Exception {
        assertATakenPortStopsTheStart("pipeline.dashboard.port", "PIPELINE_DASHBOARD_PORT", "taken-dashboard-port.log");
    }

    @Test
    void aTakenManagementPortStopsTheStartWithOneClearLine() throws Exception {
        assertATakenPortStopsTheStart("pipeline.management.port", "PIPELINE_MANAGEMENT_PORT", "taken-management-port.log");
    }

    private static void assertATakenPortStopsTheStart(String key, String env, String logName) throws Exception {
        Path log = Path.of("target/dashboard-port-test", logName);
        Files.deleteIfExists(log);
        try (ServerSocket other = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                ChildPipeline app = ChildPipeline.start(TestPipeline.services(), Map.of(
                        key, Integer.toString(other.getLocalPort()), "pipeline.generator.schedule-enabled", "false"),
                        log)) {
            int exit = app.awaitExit(180_000);
            String output = app.output();
            assertThat(exit).as(output).isEqualTo(3);
            List<String> errors = output.lines().filter(l -> l.contains("error") || l.contains("ERROR")
                    || l.contains("WARN") || l.contains("Exception")).toList();
            assertThat(errors).as(output).containsExactly("error: Port " + other.getLocalPort() + " on 127.0.0.1 is "
                    + "already in use by another process: set " + key + " (" + env + ") to a free port, or 0 for any");
            assertThat(output).doesNotContain("\tat ").doesNotContain("KPI dashboard:").doesNotContain("is running");
        }
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
