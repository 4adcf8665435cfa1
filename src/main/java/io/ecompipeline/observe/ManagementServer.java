package io.ecompipeline.observe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

import io.ecompipeline.infra.StartupException;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;

/**
 * Turns {@code pipeline.management.*} into Camel's management server settings ({@code camel.management.*}): health
 * at {@code /observe/health/live|ready}, Prometheus metrics at {@code /observe/metrics} and Jolokia at
 * {@code /observe/jolokia}, on their own port, served by {@code run} only. Jolokia can read and change anything in
 * the JVM's JMX (stop routes, change settings), so with {@code pipeline.management.user} and {@code .password} set it
 * asks for HTTP basic authentication, and the app refuses to serve it on an address other than loopback without
 * them. Health and metrics stay open for probes and scrapers.
 */
public final class ManagementServer {

    public static final String JOLOKIA_PATH = "/observe/jolokia";

    private ManagementServer() {
    }

    /**
     * The {@code camel.management.*} overrides. {@code setting} resolves a key as the application does
     * ({@link io.ecompipeline.infra.Settings#beforeStart}).
     */
    public static Map<String, String> overrides(UnaryOperator<String> setting, boolean enabled) {
        Map<String, String> camel = new LinkedHashMap<>();
        if (!enabled) {
            camel.put("camel.management.enabled", "false");
            return camel;
        }
        String host = setting.apply("pipeline.management.host");
        String port = setting.apply("pipeline.management.port");
        String user = blankToNull(setting.apply("pipeline.management.user"));
        String password = blankToNull(setting.apply("pipeline.management.password"));
        boolean credentials = user != null && password != null;
        if (!credentials && !isLoopback(host)) {
            throw new StartupException("Refusing to serve Jolokia on " + host + " without authentication: set "
                    + "pipeline.management.user and pipeline.management.password (PIPELINE_MANAGEMENT_USER, "
                    + "PIPELINE_MANAGEMENT_PASSWORD), or keep pipeline.management.host on 127.0.0.1", null);
        }
        camel.put("camel.management.enabled", "true");
        camel.put("camel.management.host", host);
        if ("0".equals(port)) {
            // chosen here rather than by the server: two servers asked for port 0 would be merged into one
            port = Integer.toString(freePort(host));
        }
        camel.put("camel.management.port", port);
        if (credentials) {
            // on the dashboard's port the management routes would join the dashboard's server, without this login
            if (Boolean.parseBoolean(setting.apply("pipeline.dashboard.enabled"))
                    && !"0".equals(port) && port.equals(setting.apply("pipeline.dashboard.port"))) {
                throw new StartupException("pipeline.management.port must differ from pipeline.dashboard.port ("
                        + port + ") when the management server asks for a login", null);
            }
            camel.put("camel.management.authenticationEnabled", "true");
            camel.put("camel.management.authenticationPath", JOLOKIA_PATH + "/*");
            camel.put("camel.management.basicPropertiesFile", usersFile(user, password).toString());
        }
        return camel;
    }

    /** Where the management server listens (the bound port, also when 0 was asked), or null when it is off. */
    public static String url(CamelContext context) {
        ManagementHttpServer server = context.hasService(ManagementHttpServer.class);
        if (server == null) {
            return null;
        }
        return "http://" + server.getHost() + ":" + server.getPort() + "/observe";
    }

    private static int freePort(String host) {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, InetAddress.getByName(host))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on " + host, e);
        }
    }

    static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new StartupException("Unknown pipeline.management.host " + host, e);
        }
    }

    /**
     * Vert.x's property-file users ({@code user.NAME = PASSWORD,ROLES}), readable by this user only and deleted when
     * the JVM exits.
     */
    private static Path usersFile(String user, String password) {
        if (!user.matches("[A-Za-z0-9_.@-]+")) {
            throw new StartupException("pipeline.management.user may hold letters, digits and _ . @ - only", null);
        }
        if (password.matches("(?s).*[,\\r\\n\\\\].*")) {
            throw new StartupException("pipeline.management.password may not contain a comma, a backslash or a line break", null);
        }
        try {
            Path file = Files.createTempFile("ecom-pipeline-management", ".properties",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            file.toFile().deleteOnExit();
            Files.writeString(file, "user." + user + "=" + password + "\n", StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the management users file", e);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
