package io.ecompipeline.observe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import io.ecompipeline.common.StartupException;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns {@code pipeline.management.*} into Camel's management server settings ({@code camel.management.*}): health
 * at {@code /observe/health/live|ready}, Prometheus metrics at {@code /observe/metrics} and Jolokia at
 * {@code /observe/jolokia}, on their own port, served by {@code run} only. Jolokia ({@link ManagementJolokia}) is
 * read-only without a login; with {@code pipeline.management.user} and {@code .password} set it asks for them and
 * lets the operator start and stop routes. The app refuses to serve Jolokia on an address other than loopback without
 * a login. Health and metrics stay open for probes and scrapers.
 */
public final class ManagementServer {

    public static final String JOLOKIA_PATH = "/observe/jolokia";
    /** The users files earlier versions wrote to the temp folder (the login in plain text). */
    private static final String OLD_USERS_FILE = "glob:ecom-pipeline-management*.properties";

    private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);

    private ManagementServer() {
    }

    /**
     * The {@code camel.management.*} overrides. {@code setting} resolves a key as the application does
     * ({@link io.ecompipeline.common.Settings#beforeStart}).
     */
    public static Map<String, String> overrides(UnaryOperator<String> setting, boolean enabled) {
        Map<String, String> camel = new LinkedHashMap<>();
        if (!enabled) {
            camel.put("camel.management.enabled", "false");
            return camel;
        }
        String host = setting.apply("pipeline.management.host");
        String port = setting.apply("pipeline.management.port");
        if (login(setting) == null && !isLoopback(host)) {
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
        return camel;
    }

    /**
     * Jolokia as this configuration wants it: the login (if any) held in memory, the policy read-only without it,
     * the allowed browser origins. Camel's management server uses it when it is bound as the bean
     * {@link ManagementJolokia#NAME}.
     */
    public static ManagementJolokia jolokia(UnaryOperator<String> setting) {
        String[] login = login(setting);
        List<String> origins = new ArrayList<>();
        String allowed = setting.apply("pipeline.management.allowed-origins");
        if (allowed != null) {
            for (String origin : allowed.split(",")) {
                if (!origin.isBlank()) {
                    origins.add(origin.strip());
                }
            }
        }
        LOG.info("Jolokia: {}; pages of {} may call it", login == null
                ? "read-only (no login: route start/stop need pipeline.management.user and .password)"
                : "asks for the login of " + login[0] + ", who may also start and stop routes",
                origins.isEmpty() ? "no origin" : String.join(", ", origins));
        return new ManagementJolokia(JolokiaPolicy.of(login != null, origins),
                login == null ? null : login[0], login == null ? null : login[1]);
    }

    /**
     * Deletes the users files earlier versions left in the temp folder ({@code ecom-pipeline-management*.properties},
     * the Jolokia login in plain text, kept by a {@code kill -9}): this version never writes one. In a shared temp
     * folder (sticky, as /tmp) only this user's files can go; others are left. Returns how many were deleted.
     */
    public static int deleteOldUsersFiles(Path tempFolder) {
        int deleted = 0;
        var matcher = tempFolder.getFileSystem().getPathMatcher(OLD_USERS_FILE);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(tempFolder, p -> matcher.matches(p.getFileName()))) {
            for (Path file : files) {
                try {
                    if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && Files.deleteIfExists(file)) {
                        deleted++;
                    }
                } catch (IOException e) {
                    LOG.debug("Not deleted (another user's?): {}", file, e);
                }
            }
        } catch (IOException e) {
            LOG.warn("Could not look for old management users files in {}: {}", tempFolder, e.getMessage());
        }
        if (deleted > 0) {
            LOG.info("Deleted {} management users file(s) an earlier version left in {}", deleted, tempFolder);
        }
        return deleted;
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

    /** {user, password}, or null when either is unset. */
    private static String[] login(UnaryOperator<String> setting) {
        String user = blankToNull(setting.apply("pipeline.management.user"));
        String password = blankToNull(setting.apply("pipeline.management.password"));
        if (user == null || password == null) {
            return null;
        }
        if (!user.matches("[A-Za-z0-9_.@-]+")) {
            throw new StartupException("pipeline.management.user may hold letters, digits and _ . @ - only", null);
        }
        return new String[] {user, password};
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
