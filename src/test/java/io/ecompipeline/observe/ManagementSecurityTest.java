package io.ecompipeline.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ecompipeline.local.LocalServices;
import io.ecompipeline.support.ChildPipeline;
import io.ecompipeline.support.TestPipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jolokia of {@code run} (a child JVM, its secrets passed as a container passes them: {@code PIPELINE_JDBC_PASSWORD}
 * and {@code PIPELINE_MANAGEMENT_PASSWORD} in the environment, the AWS secret key as a {@code -D} setting), attacked
 * the ways issue 16 found and then every other way the JVM offers:
 * <ul>
 * <li>another site's page: a {@code text/plain} "simple" POST, a JSON POST, a {@code null} origin, a Referer only, a
 * GET (an image tag): all refused, Hawtio's page and curl still served;</li>
 * <li>{@code requestBody}/{@code sendBody} and their kin with {@code sql:} and {@code log:} endpoints: refused with and
 * without the login, and nothing ran (no table created, no log line);</li>
 * <li>every operation of every MBean the app registers (Jolokia's own list of them), called with placeholders,
 * expressions and endpoint URIs that would read the secrets, every readable attribute of every MBean, and the open
 * health and metrics endpoints beside Jolokia: no answer holds a secret;</li>
 * <li>route stop/start: refused without a login, done with it;</li>
 * <li>the login is never written to a file, and the users files earlier versions left in the temp folder are deleted
 * at start.</li>
 * </ul>
 */
class ManagementSecurityTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String JDBC_SECRET = "jdbc-canary-" + UUID.randomUUID();
    private static final String LOGIN_SECRET = "login-canary-" + UUID.randomUUID();
    private static final String CONTEXT = "org.apache.camel:context=ecom-pipeline,type=context,name=\"ecom-pipeline\"";
    private static final String HAWTIO_ORIGIN = "http://127.0.0.1:8090";
    private static final Map<String, String> NO_HEADERS = Map.of();

    /** Strings that read a secret wherever Camel evaluates placeholders, expressions or endpoint URIs. */
    private static final List<String> PAYLOADS = List.of(
            "{{env:PIPELINE_JDBC_PASSWORD}}",
            "{{pipeline.jdbc.password}}",
            "{{pipeline.aws.secret-key}}",
            "{{env:PIPELINE_MANAGEMENT_PASSWORD}}",
            "${env:PIPELINE_JDBC_PASSWORD} ${properties:pipeline.aws.secret-key}",
            "sql:select '{{env:PIPELINE_JDBC_PASSWORD}}' || '{{pipeline.aws.secret-key}}' as p",
            "language:simple:${env:PIPELINE_JDBC_PASSWORD}${properties:pipeline.management.password}",
            "log:{{env:PIPELINE_JDBC_PASSWORD}}?showAll=true");

    @TempDir
    Path work;

    @Test
    void withoutALoginJolokiaIsReadOnlyServesNoOtherSiteAndRevealsNoSecret() throws Exception {
        TestPipeline.reset();
        LocalServices services = TestPipeline.services();
        Path log = Path.of("target/management-security-test/no-login.log");
        Files.deleteIfExists(log);
        try (ChildPipeline app = ChildPipeline.start(services, Map.of("pipeline.generator.schedule-enabled", "false"),
                Map.of("PIPELINE_JDBC_PASSWORD", JDBC_SECRET), log, "run")) {
            String jolokia = jolokiaUrl(app, log);
            String readRoute = JSON.writeValueAsString(Map.of("type", "read", "attribute", "State",
                    "mbean", route("dashboard-batches")));

            // another site's page: a "simple" request (what a <form> or a no-preflight fetch() can send) ...
            assertThat(post(jolokia, readRoute, "text/plain", Map.of("Origin", "http://evil.example")).statusCode())
                    .isEqualTo(415);
            assertThat(post(jolokia, readRoute, "application/x-www-form-urlencoded", NO_HEADERS).statusCode())
                    .isEqualTo(415);
            // ... a JSON one (its preflight is never granted; sent anyway, the origin is checked), a sandboxed page,
            // a page that sends only a Referer
            assertThat(post(jolokia, readRoute, "application/json", Map.of("Origin", "http://evil.example"))
                    .statusCode()).isEqualTo(403);
            assertThat(post(jolokia, readRoute, "text/json", Map.of("Origin", "null")).statusCode()).isEqualTo(403);
            assertThat(post(jolokia, readRoute, "application/json", Map.of("Referer", "http://evil.example/page.html"))
                    .statusCode()).isEqualTo(403);
            // a GET carries no Origin from an <img> tag: no GET at all
            HttpResponse<String> get = HTTP.send(HttpRequest.newBuilder(URI.create(jolokia + "/exec/"
                    + route("dashboard-batches").replace("\"", "%22") + "/stop()")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(get.statusCode()).isEqualTo(405);
            // Hawtio's page (as bin/hawtio serves it) and curl are served
            assertThat(value(post(jolokia, readRoute, "application/json", Map.of("Origin", HAWTIO_ORIGIN))).asText())
                    .isEqualTo("Started");
            assertThat(value(post(jolokia, readRoute, "application/json", NO_HEADERS)).asText()).isEqualTo("Started");

            // no login: no route control, and no message sending into an endpoint
            assertThat(exec(jolokia, NO_HEADERS, route("dashboard-batches"), "stop()").get("status").asInt())
                    .isEqualTo(403);
            assertThat(value(post(jolokia, readRoute, "application/json", NO_HEADERS)).asText()).isEqualTo("Started");
            assertRequestBodyAndSendBodyRefused(jolokia, NO_HEADERS, app);

            sweepEveryOperationAndAttribute(jolokia, NO_HEADERS, List.of(JDBC_SECRET, services.secretKey()));
            assertThat(app.output()).doesNotContain("DefaultJolokiaPlatformHttpPlugin").doesNotContain(JDBC_SECRET)
                    .doesNotContain("ERROR");
        }
    }

    @Test
    void withALoginOnlyTheOperatorControlsRoutesAndTheLoginIsNeverWritten() throws Exception {
        TestPipeline.reset();
        LocalServices services = TestPipeline.services();
        Path temp = Files.createDirectories(work.resolve("tmp"));
        // what an earlier version left behind a kill -9
        Path stale = temp.resolve("ecom-pipeline-management4711.properties");
        Files.writeString(stale, "user.ops=an-old-password\n");
        Path log = Path.of("target/management-security-test/login.log");
        Files.deleteIfExists(log);
        Map<String, String> operator = Map.of("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString(("ops:" + LOGIN_SECRET).getBytes(StandardCharsets.UTF_8)));
        try (ChildPipeline app = ChildPipeline.start(services, Map.of("pipeline.generator.schedule-enabled", "false",
                "pipeline.management.user", "ops", "java.io.tmpdir", temp.toString()),
                Map.of("PIPELINE_JDBC_PASSWORD", JDBC_SECRET, "PIPELINE_MANAGEMENT_PASSWORD", LOGIN_SECRET), log, "run")) {
            String jolokia = jolokiaUrl(app, log);
            assertThat(stale).as("an earlier version's users file, deleted at start").doesNotExist();
            assertNoFileHolds(temp, LOGIN_SECRET);

            String readRoute = JSON.writeValueAsString(Map.of("type", "read", "attribute", "State",
                    "mbean", route("dashboard-batches")));
            assertThat(post(jolokia, readRoute, "application/json", NO_HEADERS).statusCode()).isEqualTo(401);
            assertThat(post(jolokia, readRoute, "application/json", Map.of("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString("ops:wrong".getBytes(StandardCharsets.UTF_8))))
                    .statusCode()).isEqualTo(401);
            // a browser that knows the login, on another site's page
            Map<String, String> evilWithLogin = new LinkedHashMap<>(operator);
            evilWithLogin.put("Origin", "http://evil.example");
            assertThat(post(jolokia, readRoute, "application/json", evilWithLogin).statusCode()).isEqualTo(403);

            // the operator stops and starts a route; sending into endpoints stays refused
            assertThat(exec(jolokia, operator, route("dashboard-batches"), "stop()").get("status").asInt())
                    .isEqualTo(200);
            assertThat(value(post(jolokia, readRoute, "application/json", operator)).asText()).isEqualTo("Stopped");
            assertThat(exec(jolokia, operator, route("dashboard-batches"), "start()").get("status").asInt())
                    .isEqualTo(200);
            assertThat(value(post(jolokia, readRoute, "application/json", operator)).asText()).isEqualTo("Started");
            assertRequestBodyAndSendBodyRefused(jolokia, operator, app);

            sweepEveryOperationAndAttribute(jolokia, operator,
                    List.of(JDBC_SECRET, LOGIN_SECRET, services.secretKey()));
            assertNoFileHolds(temp, LOGIN_SECRET);
            assertThat(app.output()).doesNotContain(LOGIN_SECRET).doesNotContain(JDBC_SECRET).doesNotContain("ERROR");
        }
        assertNoFileHolds(temp, LOGIN_SECRET);
    }

    /** The calls issue 16 made, with a sql: and a log: endpoint; each refused, and none had an effect. */
    private static void assertRequestBodyAndSendBodyRefused(String jolokia, Map<String, String> headers,
            ChildPipeline app) throws Exception {
        String marker = "jolokia_was_here_" + UUID.randomUUID().toString().replace("-", "");
        String createTable = "sql:create table public." + marker + " (secret text)";
        String logMarker = "log:" + marker + "?level=ERROR";
        List<Object[]> calls = List.of(
                new Object[] {"requestBody(java.lang.String,java.lang.Object)", createTable, "x"},
                new Object[] {"requestBody(java.lang.String,java.lang.Object)",
                        "sql:select '{{env:PIPELINE_JDBC_PASSWORD}}' as p", "x"},
                new Object[] {"requestBody", createTable, "x"},
                new Object[] {"requestStringBody(java.lang.String,java.lang.String)", createTable, "x"},
                new Object[] {"requestBodyAndHeaders(java.lang.String,java.lang.Object,java.util.Map)", createTable, "x",
                        Map.of()},
                new Object[] {"sendBody(java.lang.String,java.lang.Object)", logMarker, "x"},
                new Object[] {"sendBody", logMarker, "x"},
                new Object[] {"sendStringBody(java.lang.String, java.lang.String)", logMarker, "x"},
                new Object[] {"sendBodyAndHeaders(java.lang.String,java.lang.Object,java.util.Map)", logMarker, "x",
                        Map.of()},
                new Object[] {"createEndpoint(java.lang.String)", createTable},
                new Object[] {"canSendToEndpoint(java.lang.String)", createTable},
                new Object[] {"removeEndpoints(java.lang.String)", "*"},
                new Object[] {"dumpRoutesAsXml(boolean)", true},
                new Object[] {"dumpRoutesAsYaml(boolean,boolean)", true, true},
                new Object[] {"setGlobalOption(java.lang.String,java.lang.String)", "x", "{{pipeline.jdbc.password}}"},
                new Object[] {"stop()"});
        for (Object[] call : calls) {
            Object[] arguments = java.util.Arrays.copyOfRange(call, 1, call.length);
            JsonNode answer = exec(jolokia, headers, CONTEXT, (String) call[0], arguments);
            assertThat(answer.get("status").asInt()).as("%s: %s", call[0], answer).isEqualTo(403);
        }
        JsonNode update = exec(jolokia, headers, route("dashboard-batches"), "updateRouteFromXml(java.lang.String)",
                "<route id=\"dashboard-batches\"><from uri=\"timer:x\"/><to uri=\"" + logMarker + "\"/></route>");
        assertThat(update.get("status").asInt()).isEqualTo(403);
        LocalServices services = TestPipeline.services();
        try (Connection c = DriverManager.getConnection(services.jdbcUrl(), services.jdbcUser(), services.jdbcPassword());
                ResultSet tables = c.getMetaData().getTables(null, null, marker, null)) {
            assertThat(tables.next()).as("table " + marker + " created").isFalse();
        }
        // an absence has no event to wait for: the marker stays out of the child's log (written as it goes) for longer
        // than the replaced route's timer would take to fire once (1 s), and the check fails the moment it shows up
        await("the marker to stay out of the log").during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(50)).until(() -> !app.output().contains(marker));
        assertThat(app.output()).doesNotContain(marker);
    }

    /**
     * Calls every operation of every MBean Jolokia lists (one MBean of each kind), with each payload in every
     * argument, then reads every attribute of every MBean: no answer may hold a secret. Asserts the sweep reached
     * operations that ran and operations that were refused.
     */
    private static void sweepEveryOperationAndAttribute(String jolokia, Map<String, String> headers,
            List<String> secrets) throws Exception {
        JsonNode list = value(post(jolokia, "{\"type\":\"list\"}", "application/json", headers));
        List<ObjectNode> requests = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        list.fields().forEachRemaining(domain -> domain.getValue().fields().forEachRemaining(bean -> {
            String mbean = domain.getKey() + ":" + bean.getKey();
            Matcher type = Pattern.compile("(?:^|,)type=([^,]*)").matcher(bean.getKey());
            String kind = domain.getKey() + "/" + (type.find() ? type.group(1) : bean.getKey());
            JsonNode ops = bean.getValue().get("op");
            if (ops == null) {
                return;
            }
            ops.fields().forEachRemaining(op -> {
                List<JsonNode> overloads = new ArrayList<>();
                if (op.getValue().isArray()) {
                    op.getValue().forEach(overloads::add);
                } else {
                    overloads.add(op.getValue());
                }
                for (JsonNode overload : overloads) {
                    List<String> types = new ArrayList<>();
                    overload.get("args").forEach(a -> types.add(a.get("type").asText()));
                    String signature = op.getKey() + "(" + String.join(",", types) + ")";
                    if (!seen.add(kind + " " + signature)) {
                        continue;
                    }
                    for (String payload : types.isEmpty() ? List.of("") : PAYLOADS) {
                        ObjectNode request = JSON.createObjectNode().put("type", "exec").put("mbean", mbean)
                                .put("operation", signature);
                        ArrayNode arguments = request.putArray("arguments");
                        types.forEach(t -> arguments.add(argument(t, payload)));
                        requests.add(request);
                    }
                }
            });
        }));
        assertThat(seen).as("operations listed").hasSizeGreaterThan(100)
                .anyMatch(s -> s.startsWith("org.apache.camel/context requestBody("));

        int ran = 0;
        int refused = 0;
        for (int from = 0; from < requests.size(); from += 100) {
            ArrayNode bulk = JSON.createArrayNode().addAll(requests.subList(from, Math.min(from + 100, requests.size())));
            HttpResponse<String> answer = post(jolokia, JSON.writeValueAsString(bulk), "application/json", headers);
            assertThat(answer.statusCode()).isEqualTo(200);
            assertNoSecret(answer.body(), secrets, "exec sweep");
            for (JsonNode one : JSON.readTree(answer.body())) {
                if (one.get("status").asInt() == 200) {
                    ran++;
                } else if (one.get("status").asInt() == 403) {
                    refused++;
                }
            }
        }
        assertThat(ran).as("operations that ran").isPositive();
        assertThat(refused).as("operations refused").isGreaterThan(ran);
        System.out.printf("Jolokia sweep: %d operation signatures, %d calls: %d ran, %d refused%n", seen.size(),
                requests.size(), ran, refused);

        HttpResponse<String> everything = post(jolokia, "{\"type\":\"read\",\"mbean\":\"*:*\","
                + "\"config\":{\"ignoreErrors\":\"true\"}}", "application/json", headers);
        assertThat(everything.statusCode()).isEqualTo(200);
        assertThat(everything.body()).contains("ExchangesCompleted").hasSizeGreaterThan(10_000);
        assertNoSecret(everything.body(), secrets, "every attribute");
        // the open endpoints of the same server
        String observe = jolokia.substring(0, jolokia.length() - "/jolokia".length());
        for (String open : List.of("/metrics", "/health/ready?exposureLevel=full&data=true&stackTrace=true",
                "/health/live?exposureLevel=full&data=true&stackTrace=true")) {
            HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(observe + open)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.body()).as(open).isNotBlank();
            assertNoSecret(answer.body(), secrets, open);
        }
        for (String attribute : List.of("SystemProperties", "InputArguments")) {
            JsonNode one = JSON.readTree(post(jolokia, JSON.writeValueAsString(Map.of("type", "read",
                    "mbean", "java.lang:type=Runtime", "attribute", attribute)), "application/json", headers).body());
            assertThat(one.get("status").asInt()).as(attribute).isEqualTo(403);
        }
    }

    private static JsonNode argument(String type, String payload) {
        return switch (type) {
            case "boolean", "java.lang.Boolean" -> JSON.getNodeFactory().booleanNode(true);
            case "int", "long", "java.lang.Integer", "java.lang.Long" -> JSON.getNodeFactory().numberNode(1);
            case "java.util.Map" -> JSON.createObjectNode().put("CamelSqlQuery", payload).put("x", payload);
            case "[Ljava.lang.String;" -> JSON.createArrayNode().add(payload);
            case "java.lang.String", "java.lang.Object" -> JSON.getNodeFactory().textNode(payload);
            default -> JSON.getNodeFactory().nullNode();
        };
    }

    private static void assertNoSecret(String text, List<String> secrets, String what) {
        for (String secret : secrets) {
            assertThat(text.contains(secret)).as("%s reveals %s", what, secret).isFalse();
        }
    }

    private static void assertNoFileHolds(Path folder, String secret) throws Exception {
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(file.getFileName().toString()).doesNotStartWith("ecom-pipeline-management");
                assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)).as(file.toString())
                        .doesNotContain(secret);
            }
        }
    }

    private static String jolokiaUrl(ChildPipeline app, Path log) throws Exception {
        assertThat(app.awaitLog("Management: http://127.0.0.1:", 180_000)).as("app started, see " + log).isTrue();
        Matcher m = Pattern.compile("Management: http://127\\.0\\.0\\.1:(\\d+)/observe").matcher(app.output());
        assertThat(m.find()).isTrue();
        return "http://127.0.0.1:" + m.group(1) + "/observe/jolokia";
    }

    private static String route(String id) {
        return "org.apache.camel:context=ecom-pipeline,type=routes,name=\"" + id + "\"";
    }

    private static JsonNode exec(String jolokia, Map<String, String> headers, String mbean, String operation,
            Object... arguments) throws Exception {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("type", "exec");
        request.put("mbean", mbean);
        request.put("operation", operation);
        request.put("arguments", List.of(arguments));
        HttpResponse<String> answer = post(jolokia, JSON.writeValueAsString(request), "application/json", headers);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body());
    }

    private static JsonNode value(HttpResponse<String> answer) throws Exception {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode json = JSON.readTree(answer.body());
        assertThat(json.get("status").asInt()).as(answer.body()).isEqualTo(200);
        return json.get("value");
    }

    private static HttpResponse<String> post(String url, String body, String contentType, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
