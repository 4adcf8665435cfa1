package io.ecompipeline.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecompipeline.local.LocalServices;
import io.ecompipeline.support.ChildPipeline;
import io.ecompipeline.support.Clients;
import io.ecompipeline.support.TestPipeline;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Hawtio 4 (the war under Jetty's runner, as {@code bin/hawtio} starts it) beside the service ({@code run} in a child
 * JVM) that processed a file set: through Hawtio's own proxy, the app's Jolokia gives the route statistics and the
 * routes' descriptions; in headless Chromium, Hawtio draws the route diagram of {@code activity-validate-apply} (screenshot
 * {@code target/screenshots/hawtio-route-diagram.png}).
 */
class HawtioTest {

    private static final Path HAWTIO = Path.of("target/hawtio");
    private static final Path BROWSER_DIR = Path.of("src/test/browser");
    private static final Path SCREENSHOT = Path.of("target/screenshots/hawtio-route-diagram.png");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void hawtioShowsTheRoutesStatisticsAndDiagramOfTheRunningApp() throws Exception {
        assertThat(HAWTIO.resolve("hawtio.war")).as("copied by the Maven build (process-test-resources)").exists();
        TestPipeline.reset();
        LocalServices services = TestPipeline.services();
        Path log = Path.of("target/hawtio-test/app.log");
        Files.deleteIfExists(log);
        Process hawtio = null;
        int hawtioPort = freePort();
        // Hawtio's proxy passes on its page's Origin: the app serves that page, and no other
        try (ChildPipeline app = ChildPipeline.start(services, Map.of("pipeline.poll.delay", "200",
                "pipeline.batch.min-order-files", "1", "pipeline.batch.min-item-files", "1",
                "pipeline.generator.schedule-enabled", "false",
                "pipeline.management.allowed-origins", "http://127.0.0.1:" + hawtioPort), log)) {
            hawtio = startHawtio(hawtioPort);
            assertThat(app.awaitLog("Management: http://127.0.0.1:", 180_000)).as("app started, see " + log).isTrue();
            Matcher m = Pattern.compile("Management: http://127\\.0\\.0\\.1:(\\d+)/observe").matcher(Files.readString(log));
            assertThat(m.find()).isTrue();
            int jolokiaPort = Integer.parseInt(m.group(1));

            try (S3Client s3 = Clients.s3(services)) {
                put(s3, "incoming/products.csv", "product_id,category,name,price\n1,Books,Dune,10.00\n");
                put(s3, "incoming/orders_1.csv", "order_id,user_id,order_date,total_amount,status\n"
                        + "1,100,2024-03-01,10.00,delivered\n2,101,2024-03-01,10.00,returned\n");
                put(s3, "incoming/order_items_1.csv", "order_id,product_id,quantity,unit_price\n1,1,1,10.00\n2,1,1,10.00\n");
                TestPipeline.await("the batch's report", Duration.ofMinutes(3),
                        () -> s3.listObjectsV2(b -> b.bucket(TestPipeline.BUCKET).prefix("reports/")).keyCount() == 1);
            }

            String hawtioUrl = "http://127.0.0.1:" + hawtioPort + "/hawtio";
            TestPipeline.await("Hawtio up", Duration.ofMinutes(2), () -> get(hawtioUrl + "/").statusCode() == 200);
            String proxy = hawtioUrl + "/proxy/http/127.0.0.1/" + jolokiaPort + "/observe/jolokia/";
            assertThat(readRoute(proxy, "process-batch", "ExchangesCompleted").asLong()).isEqualTo(1);
            assertThat(readRoute(proxy, "finish-batch", "ExchangesCompleted").asLong()).isEqualTo(1);
            assertThat(readRoute(proxy, "process-batch", "ExchangesFailed").asLong()).isZero();
            assertThat(readRoute(proxy, "ingest-poll-s3", "Description").asText())
                    .isEqualTo("Polls incoming/ in the data bucket and collects each new object (on the collecting instance)");

            // the Source tab's dump: the route's block of its routes file (RouteSourceDumper), also for a route with
            // a method expression, where Camel 4.17's own YAML dump fails
            String source = execRoute(proxy, "ingest-poll-s3", "dumpRouteAsYaml()").asText();
            assertThat(source).contains("id: ingest-poll-s3", "ref: arrivalRegistrar", "{{pipeline.bucket}}", "# ")
                    .doesNotContain("JsonParseException").doesNotContain("id: collect-batch");

            JsonNode page = openRouteDiagram(hawtioUrl, jolokiaPort, "activity-validate-apply");
            assertThat(page.get("pageErrors")).as("page errors").isEmpty();
            assertThat(page.get("title").asText()).isEqualTo("activity-validate-apply");
            List<String> nodes = new ArrayList<>();
            page.get("nodes").forEach(n -> nodes.add(n.asText()));
            assertThat(nodes).anySatisfy(n -> assertThat(n).contains("From direct:activ"))
                    .anySatisfy(n -> assertThat(n).contains("To direct:validat"))
                    .anySatisfy(n -> assertThat(n).contains("To direct:batch-r"))
                    .anySatisfy(n -> assertThat(n).contains("To direct:apply-"));
            assertThat(SCREENSHOT).exists();
            assertThat(Files.size(SCREENSHOT)).as("screenshot bytes").isGreaterThan(20_000);
        } finally {
            if (hawtio != null) {
                hawtio.destroy();
                if (!hawtio.waitFor(20, TimeUnit.SECONDS)) {
                    hawtio.destroyForcibly();
                }
            }
        }
    }

    /** What bin/hawtio runs, on a free port. */
    private static Process startHawtio(int port) throws IOException {
        Path out = Path.of("target/hawtio-test/hawtio.log");
        Files.createDirectories(out.getParent());
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m",
                "-Dhawtio.authenticationEnabled=false", "-Dhawtio.proxyAllowlist=localhost,127.0.0.1",
                "-Dhawtio.localAddressProbing=false", "-jar", HAWTIO.resolve("jetty-runner.jar").toString(),
                "--host", "127.0.0.1", "--port", Integer.toString(port), "--path", "/hawtio",
                HAWTIO.resolve("hawtio.war").toString())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    }

    /** One attribute of a route's MBean, read the way Hawtio's console reads it: a Jolokia POST through its proxy. */
    private static JsonNode readRoute(String proxy, String routeId, String attribute) throws Exception {
        return onRoute(proxy, routeId, Map.of("type", "read", "attribute", attribute));
    }

    /** One operation of a route's MBean, called as Hawtio's Source tab calls it: a Jolokia exec through its proxy. */
    private static JsonNode execRoute(String proxy, String routeId, String operation) throws Exception {
        return onRoute(proxy, routeId, Map.of("type", "exec", "operation", operation));
    }

    /** A Jolokia request on a route's MBean through Hawtio's proxy; its value, once both statuses say 200. */
    private static JsonNode onRoute(String proxy, String routeId, Map<String, String> request) throws Exception {
        Map<String, String> withMbean = new java.util.HashMap<>(request);
        withMbean.put("mbean", "org.apache.camel:context=ecom-pipeline,type=routes,name=\"" + routeId + "\"");
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(proxy))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(withMbean))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode json = JSON.readTree(response.body());
        assertThat(json.get("status").asInt()).as(response.body()).isEqualTo(200);
        return json.get("value");
    }

    /** Runs src/test/browser/hawtio-check.mjs (headless Chromium); returns what it printed. */
    private static JsonNode openRouteDiagram(String hawtioUrl, int jolokiaPort, String routeId) throws Exception {
        assertThat(Path.of(System.getenv().getOrDefault("CHROMIUM_PATH", "/usr/bin/chromium")))
                .as("Chromium (install it with: apt-get install -y chromium)").exists();
        Files.createDirectories(SCREENSHOT.getParent());
        Files.deleteIfExists(SCREENSHOT);
        Path stderr = Files.createTempFile("hawtio-check", ".log");
        Process node = new ProcessBuilder("node", "hawtio-check.mjs", hawtioUrl, Integer.toString(jolokiaPort), routeId,
                SCREENSHOT.toAbsolutePath().toString()).directory(BROWSER_DIR.toFile()).redirectError(stderr.toFile())
                .start();
        byte[] out = node.getInputStream().readAllBytes();
        boolean ended = node.waitFor(3, TimeUnit.MINUTES);
        if (!ended) {
            node.destroyForcibly();
        }
        String errors = Files.readString(stderr);
        Files.delete(stderr);
        assertThat(ended && node.exitValue() == 0).as("hawtio-check.mjs failed: %s%s",
                new String(out, StandardCharsets.UTF_8), errors).isTrue();
        return JSON.readTree(out);
    }

    private static void put(S3Client s3, String key, String content) {
        s3.putObject(b -> b.bucket(TestPipeline.BUCKET).key(key), RequestBody.fromString(content));
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
