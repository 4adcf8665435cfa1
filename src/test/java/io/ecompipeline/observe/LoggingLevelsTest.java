package io.ecompipeline.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecompipeline.support.LogCapture;
import io.ecompipeline.support.TestPipeline;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Log levels at run time (docs/operating.md "Log levels at run time"): through the management server's Jolokia with
 * the operator's login, {@code io.ecompipeline:type=Logging} reads and sets a logger's level, which takes effect at
 * once; a wrong level is refused and changes nothing; without the login Jolokia answers 401. (Without a login at all,
 * setLevel is refused by the policy: JolokiaPolicyTest.)
 */
class LoggingLevelsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String USER = "operator";
    private static final String PASSWORD = "pw for levels";
    private static final String LOGGER = "io.ecompipeline.route.ingest-poll-s3";

    @Test
    void theOperatorChangesALogLevelThroughJolokia() throws Exception {
        try (LogCapture log = LogCapture.attach(); TestPipeline pipeline = TestPipeline.fresh(Map.of(
                "pipeline.management.enabled", "true", "pipeline.management.port", "0",
                "pipeline.management.user", USER, "pipeline.management.password", PASSWORD,
                "pipeline.generator.schedule-enabled", "false"))) {
            String jolokia = ManagementServer.url(pipeline.app().context()) + "/jolokia";
            org.slf4j.Logger routeLog = LoggerFactory.getLogger(LOGGER);

            assertThat(exec(jolokia, "getLevel", LOGGER).get("value").asText()).isEqualTo("INFO");
            assertThat(read(jolokia).get("value").get("io.ecompipeline").asText()).isEqualTo("INFO");
            routeLog.debug("before: not shown");

            JsonNode set = exec(jolokia, "setLevel", LOGGER, "debug");
            assertThat(set.get("status").asInt()).as(set.toString()).isEqualTo(200);
            assertThat(set.get("value").asText()).isEqualTo(LOGGER + ": INFO -> DEBUG");
            assertThat(exec(jolokia, "getLevel", LOGGER).get("value").asText()).isEqualTo("DEBUG");
            assertThat(read(jolokia).get("value").get(LOGGER).asText()).isEqualTo("DEBUG");
            routeLog.debug("after: shown");
            assertThat(log.containing("Log level changed at run time (until the next restart): " + LOGGER
                    + ": INFO -> DEBUG")).hasSize(1);

            JsonNode wrong = exec(jolokia, "setLevel", LOGGER, "LOUD");
            assertThat(wrong.get("status").asInt()).isNotEqualTo(200);
            assertThat(wrong.get("error").asText()).contains("TRACE, DEBUG, INFO, WARN, ERROR, OFF");
            assertThat(exec(jolokia, "getLevel", LOGGER).get("value").asText()).isEqualTo("DEBUG");

            assertThat(exec(jolokia, "setLevel", LOGGER, "INFO").get("status").asInt()).isEqualTo(200);
            routeLog.debug("again: not shown");
            assertThat(log.lines().stream().filter(l -> l.logger().equals(LOGGER)).map(LogCapture.Line::message))
                    .containsExactly("after: shown");

            HttpResponse<String> anonymous = post(jolokia, request("setLevel", LOGGER, "DEBUG"), false);
            assertThat(anonymous.statusCode()).isEqualTo(401);
        }
    }

    private static JsonNode exec(String jolokia, String operation, String... arguments) throws Exception {
        return JSON.readTree(post(jolokia, request(operation, arguments), true).body());
    }

    private static JsonNode read(String jolokia) throws Exception {
        return JSON.readTree(post(jolokia, "{\"type\":\"read\",\"mbean\":\"" + LoggingLevels.NAME
                + "\",\"attribute\":\"Levels\"}", true).body());
    }

    private static String request(String operation, String... arguments) throws Exception {
        return JSON.writeValueAsString(Map.of("type", "exec", "mbean", LoggingLevels.NAME, "operation", operation,
                "arguments", arguments));
    }

    private static HttpResponse<String> post(String url, String json, boolean login) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(json));
        if (login) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD)
                    .getBytes(StandardCharsets.UTF_8)));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
