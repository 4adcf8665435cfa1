package io.ecompipeline.observe;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import io.ecompipeline.common.Hashes;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.plugin.JolokiaPlatformHttpPlugin;
import org.apache.camel.support.service.ServiceSupport;
import org.jolokia.json.JSONObject;
import org.jolokia.json.JSONStructure;
import org.jolokia.server.core.config.ConfigKey;
import org.jolokia.server.core.config.StaticConfiguration;
import org.jolokia.server.core.http.HttpRequestHandler;
import org.jolokia.server.core.service.JolokiaServiceManagerFactory;
import org.jolokia.server.core.service.api.JolokiaServiceManager;
import org.jolokia.server.core.service.api.LogHandler;
import org.jolokia.server.core.util.NetworkUtil;
import org.jolokia.service.jmx.LocalRequestHandler;
import org.jolokia.service.serializer.JolokiaSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jolokia at {@code /observe/jolokia}, in place of camel-platform-http-jolokia's plugin (bound as the bean
 * {@code jolokia}, which Camel's management server looks up first), because that plugin can only read its policy from
 * a fixed classpath file and leaves the login to a users file on disk. This one:
 * <ul>
 * <li>takes the policy {@link JolokiaPolicy} built: read-only without a login, route start/stop with one, the
 * configured browser origins;</li>
 * <li>checks the login itself, against the password it holds in memory (nothing is written to disk);</li>
 * <li>answers POST only, with a JSON body ({@code application/json}, or {@code text/json} as Hawtio sends): an HTML
 * form or a {@code text/plain} "simple" request from another site's page is refused before Jolokia sees it, and a
 * JSON one from a page needs a CORS preflight this server never grants;</li>
 * <li>refuses any request whose Origin (or Referer) is not an allowed origin (Jolokia's strict CORS check).</li>
 * </ul>
 */
public class ManagementJolokia extends ServiceSupport implements JolokiaPlatformHttpPlugin {

    private static final Logger LOG = LoggerFactory.getLogger(ManagementJolokia.class);

    private final JolokiaServiceManager serviceManager;
    private final byte[] expectedAuthorization;
    private CamelContext camelContext;
    private HttpRequestHandler requestHandler;

    /** {@code user} and {@code password} both null: no login (and a read-only policy). */
    public ManagementJolokia(JolokiaPolicy policy, String user, String password) {
        StaticConfiguration config = new StaticConfiguration(
                ConfigKey.AGENT_ID, NetworkUtil.getAgentId(hashCode(), "vertx"),
                // error answers say what was refused, never with a stack trace of the app
                ConfigKey.ALLOW_ERROR_DETAILS, "false",
                ConfigKey.INCLUDE_STACKTRACE, "false");
        serviceManager = JolokiaServiceManagerFactory.createJolokiaServiceManager(config, new Slf4jLogHandler(),
                policy.restrictor());
        serviceManager.addService(new JolokiaSerializer());
        serviceManager.addService(new LocalRequestHandler(1));
        expectedAuthorization = user == null ? null
                : Hashes.sha256("Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                        .getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    protected void doStart() {
        requestHandler = new HttpRequestHandler(serviceManager.start());
    }

    @Override
    protected void doStop() {
        serviceManager.stop();
    }

    @Override
    public String getId() {
        return NAME;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public Object getHandler() {
        Handler<RoutingContext> handler = this::handle;
        return handler;
    }

    private void handle(RoutingContext routing) {
        HttpServerRequest request = routing.request();
        if (refused(routing, request)) {
            return;
        }
        Buffer body = routing.body().buffer();
        if (body == null) {
            refuse(routing, 400, "Missing body");
            return;
        }
        int status = 200;
        String answer;
        try {
            JSONStructure json = requestHandler.handlePostRequest(request.uri(),
                    new ByteArrayInputStream(body.getBytes()), StandardCharsets.UTF_8.name(), params(request.params()));
            answer = json.toJSONString();
        } catch (Exception e) {
            // a body that is not a Jolokia request (the requests themselves answer their own errors in the JSON)
            JSONObject error = requestHandler.handleThrowable(e);
            status = error.get("status") instanceof Number n ? n.intValue() : 500;
            answer = error.toJSONString();
        }
        routing.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(answer);
    }

    /** Refuses (and answers) a request without the login, not a JSON POST, or from an origin not allowed. */
    private boolean refused(RoutingContext routing, HttpServerRequest request) {
        if (expectedAuthorization != null && !authorized(request.getHeader(HttpHeaders.AUTHORIZATION))) {
            routing.response().putHeader("WWW-Authenticate", "Basic realm=\"ecom-pipeline management\"");
            refuse(routing, 401, "Authentication required");
            return true;
        }
        if (request.method() != HttpMethod.POST) {
            routing.response().putHeader(HttpHeaders.ALLOW, "POST");
            refuse(routing, 405, "Jolokia answers POST requests only, with a JSON body");
            return true;
        }
        if (!isJson(request.getHeader(HttpHeaders.CONTENT_TYPE))) {
            refuse(routing, 415, "Content-Type must be application/json");
            return true;
        }
        String origin = origin(request);
        try {
            requestHandler.checkAccess(request.scheme(), request.remoteAddress().host(),
                    request.remoteAddress().host(), origin);
        } catch (SecurityException e) {
            LOG.warn("Jolokia request from origin {} refused (not in pipeline.management.allowed-origins)", origin);
            refuse(routing, 403, e.getMessage());
            return true;
        }
        return false;
    }

    private boolean authorized(String authorization) {
        // compares digests, so the time taken says nothing about how much of the password matched
        return authorization != null
                && MessageDigest.isEqual(expectedAuthorization, Hashes.sha256(authorization.trim()));
    }

    /**
     * The page's origin: the Origin header, or the scheme, host and port of the Referer when a browser sent no Origin;
     * empty when the request carries neither (not a browser page's POST).
     */
    static String origin(HttpServerRequest request) {
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        if (origin != null) {
            return origin.strip();
        }
        String referer = request.getHeader(HttpHeaders.REFERER);
        if (referer == null || referer.isBlank()) {
            return "";
        }
        try {
            URI uri = URI.create(referer.strip());
            if (uri.getScheme() == null || uri.getHost() == null) {
                return "null";
            }
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        } catch (IllegalArgumentException e) {
            return "null";
        }
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return type.equals("application/json") || type.equals("text/json");
    }

    private static void refuse(RoutingContext routing, int status, String message) {
        JSONObject error = new JSONObject();
        error.put("status", status);
        error.put("error", message);
        routing.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(error.toJSONString());
    }

    private static Map<String, String[]> params(MultiMap params) {
        Map<String, String[]> map = new HashMap<>();
        for (String name : params.names()) {
            map.put(name, params.getAll(name).toArray(new String[0]));
        }
        return map;
    }

    /** Jolokia's messages into this app's log. */
    private static final class Slf4jLogHandler implements LogHandler {

        @Override
        public void debug(String message) {
            LOG.debug(message);
        }

        @Override
        public void info(String message) {
            LOG.info(message);
        }

        @Override
        public void error(String message, Throwable t) {
            LOG.error(message, t);
        }

        @Override
        public boolean isDebug() {
            return LOG.isDebugEnabled();
        }
    }
}
