package io.ecompipeline.reload;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.ecompipeline.common.Errors;
import io.ecompipeline.common.StartupException;
import io.ecompipeline.observe.PipelineMetrics;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Route;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Reloads the YAML routes of the operator's routes folder ({@code pipeline.routes.dir}) when a file's content
 * changes, by comparing every {@code *.camel.yaml} file's content with what was last loaded, every poll interval.
 * <p>
 * Comparing contents rather than watching file events is what makes a Kubernetes ConfigMap mount work: there each
 * file is a symlink {@code x.yaml -> ..data/x.yaml} and an update swaps the {@code ..data} symlink, so no event
 * ever names {@code x.yaml} (Camel's own {@code routes-reload}, built on the JDK watch service, misses it). It
 * also covers plain edits, so it is the only reload mechanism: two would load every edit twice.
 * <p>
 * Only the routes the changed file defines are replaced; the Java DSL routes and the other files' routes stay. A
 * change of comments or layout only (the YAML parses to the same content) reloads nothing: a reload replaces the
 * routes, and with them their JMX and Prometheus statistics.
 * <p>
 * A file that does not load (bad YAML, unknown step) is logged as an error and its routes keep running as they were
 * (when its routes parsed but failed to start, the version that was running is loaded again); they are replaced
 * when a later version of the file loads. Until then the running routes differ from the file: readiness is DOWN
 * ({@link RoutesFolderReadinessCheck}) and {@code pipeline_routes_reload_failed{file}} is 1. At start-up, a file that
 * is not YAML stops the start with one line naming it ({@link #requireYaml}).
 */
public final class RoutesFolderReloader extends ServiceSupport implements CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(RoutesFolderReloader.class);

    private final Path folder;
    private final Duration interval;
    /** file name to the content last loaded, or last found broken (so an error is logged once) */
    private final Map<String, byte[]> seen = new HashMap<>();
    /** file name to the content its running routes were loaded from */
    private final Map<String, byte[]> loaded = new HashMap<>();
    /** file name to why its content on disk did not load: its running routes are another version */
    private final Map<String, String> failed = new ConcurrentHashMap<>();
    private PipelineMetrics metrics = PipelineMetrics.NONE;
    private CamelContext context;
    private ScheduledExecutorService poller;

    public RoutesFolderReloader(Path folder, Duration interval) {
        this.folder = folder.toAbsolutePath();
        this.interval = interval;
    }

    @Override
    public void setCamelContext(CamelContext context) {
        this.context = context;
    }

    @Override
    public CamelContext getCamelContext() {
        return context;
    }

    /**
     * Records the files as they are now. Called before Camel Main loads the folder's routes, so an edit made while
     * the application starts is reloaded afterwards rather than missed. (A file that is not YAML has already stopped
     * the start: {@link #requireYaml}.)
     */
    public void snapshot() {
        seen.clear();
        loaded.clear();
        failed.clear();
        contents().forEach((name, content) -> {
            if (content != null) {
                seen.put(name, content);
                loaded.put(name, content);
            }
        });
    }

    /**
     * Before Camel Main starts: every routes file of the folder is YAML, else the start stops with one line naming the
     * file, the line and the column (Camel's own pre-parse would fail with a stack trace that hides the file).
     */
    public static void requireYaml(Path folder) {
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder, "*.camel.yaml")) {
            for (Path file : stream) {
                if (file.getFileName().toString().startsWith(".") || !Files.isRegularFile(file)) {
                    continue;
                }
                try {
                    normalized(Files.readAllBytes(file));
                } catch (RuntimeException e) {
                    throw new StartupException("Routes file " + file.toAbsolutePath() + " could not be loaded: "
                            + oneLine(Errors.withCauses(e)), null);
                }
            }
        } catch (IOException e) {
            throw new StartupException("cannot read the routes folder " + folder + ": " + e.getMessage(), null);
        }
    }

    private static String oneLine(String text) {
        return text.replaceAll("\\s*\\R\\s*", " ").trim();
    }

    /** The files whose content on disk did not load, with the reason; their running routes are another version. */
    public Map<String, String> failedFiles() {
        return Map.copyOf(failed);
    }

    @Override
    protected void doStart() {
        PipelineMetrics found = context.getRegistry().lookupByNameAndType("pipelineMetrics", PipelineMetrics.class);
        metrics = found != null ? found : PipelineMetrics.NONE;
        seen.keySet().forEach(this::gauge);
        poller = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "routes-folder-reload");
        poller.scheduleWithFixedDelay(this::check, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("Routes are loaded from {} and reloaded when a file there changes (checked every {} ms)", folder,
                interval.toMillis());
    }

    @Override
    protected void doStop() {
        if (poller != null) {
            context.getExecutorServiceManager().shutdownNow(poller);
            poller = null;
        }
    }

    /** One pass: reloads every file whose content changed since it was last loaded. */
    synchronized void check() {
        try {
            Map<String, byte[]> now = contents();
            for (Map.Entry<String, byte[]> file : now.entrySet()) {
                if (file.getValue() == null) {
                    continue; // unreadable right now: retried next pass
                }
                if (!Arrays.equals(file.getValue(), seen.get(file.getKey()))) {
                    seen.put(file.getKey(), file.getValue());
                    gauge(file.getKey());
                    if (sameRoutes(file.getValue(), loaded.get(file.getKey()))) {
                        unchanged(file.getKey(), file.getValue());
                    } else {
                        reload(file.getKey(), file.getValue());
                    }
                }
            }
            for (String gone : new TreeSet<>(seen.keySet())) {
                if (!now.containsKey(gone)) {
                    seen.remove(gone);
                    failed.remove(gone);
                    LOG.warn("Routes file {} was removed from {}; the routes it defined keep running until the next "
                            + "restart", gone, folder);
                }
            }
        } catch (RuntimeException e) {
            LOG.error("Could not check the routes folder {}: {}", folder, e.toString());
        }
    }

    private void reload(String name, byte[] content) {
        Path file = folder.resolve(name);
        Map<String, Route> before = routes();
        try {
            // the content just read, not the path: the file may change again while Camel parses it
            Set<String> ids = load(file, content);
            loaded.put(name, content);
            failed.remove(name);
            LOG.info("Reloaded routes file {}: routes {}", file, new TreeSet<>(ids));
        } catch (Exception e) {
            failed.put(name, Errors.withCauses(e));
            LOG.error("Routes file {} could not be loaded; the routes it defined before keep running unchanged: {}",
                    file, Errors.withCauses(e));
            LOG.debug("Routes file {} failed to load", name, e);
            restore(name, file, before);
        }
    }

    /**
     * A file that parsed but whose routes failed to start (an endpoint another route consumes, a bad option) has
     * already replaced some of its routes: put back the version that was running, and drop routes it added.
     */
    private void restore(String name, Path file, Map<String, Route> before) {
        Map<String, Route> after = routes();
        Set<String> added = new TreeSet<>(after.keySet());
        added.removeAll(before.keySet());
        boolean replacedSome = !added.isEmpty()
                || before.entrySet().stream().anyMatch(e -> after.get(e.getKey()) != e.getValue());
        if (!replacedSome) {
            return; // nothing was touched (a parse error)
        }
        try {
            for (String id : added) {
                context.getRouteController().stopRoute(id);
                context.removeRoute(id);
            }
            byte[] previous = loaded.get(name);
            if (previous != null) {
                Set<String> ids = load(file, previous);
                LOG.warn("Routes file {}: put back the routes {} as they were before the failed reload", file,
                        new TreeSet<>(ids));
            }
        } catch (Exception e) {
            LOG.error("Routes file {}: could not put back the previous routes after the failed reload: {}", file,
                    Errors.withCauses(e));
        }
    }

    /** The file's routes are those running: nothing to reload, and a failed version on disk is gone. */
    private void unchanged(String name, byte[] content) {
        loaded.put(name, content);
        if (failed.remove(name) != null) {
            LOG.info("Routes file {} is again the version that runs (it differs in comments or layout only): not "
                    + "reloaded", folder.resolve(name));
        } else {
            LOG.info("Routes file {} changed in comments or layout only: its routes keep running, not reloaded",
                    folder.resolve(name));
        }
    }

    /**
     * Whether two versions of a file define the same routes: their YAML parsed to the same content, so comments,
     * blank lines, indentation and quoting do not count. Either failing to parse counts as a change.
     */
    static boolean sameRoutes(byte[] content, byte[] other) {
        if (other == null) {
            return false;
        }
        try {
            return normalized(content).equals(normalized(other));
        } catch (RuntimeException e) {
            return false; // a parse error: Camel's loader says where
        }
    }

    private static List<Object> normalized(byte[] content) {
        List<Object> documents = new ArrayList<>();
        new Load(LoadSettings.builder().build()).loadAllFromString(new String(content, StandardCharsets.UTF_8))
                .forEach(documents::add);
        return documents;
    }

    private void gauge(String name) {
        metrics.routesFile(name, () -> failed.containsKey(name));
    }

    private Set<String> load(Path file, byte[] content) throws Exception {
        return PluginHelper.getRoutesLoader(context).updateRoutes(ResourceHelper.fromBytes("file:" + file, content));
    }

    /** The running routes by id (the instances: a replaced route is another instance). */
    private Map<String, Route> routes() {
        Map<String, Route> routes = new HashMap<>();
        context.getRoutes().forEach(route -> routes.put(route.getRouteId(), route));
        return routes;
    }

    /** Every {@code *.camel.yaml} file of the folder, by name, read through symlinks; null for one that cannot be read. */
    private Map<String, byte[]> contents() {
        Map<String, byte[]> files = new TreeMap<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder, "*.camel.yaml")) {
            for (Path file : stream) {
                String name = file.getFileName().toString();
                if (name.startsWith(".")) {
                    continue; // hidden files, ConfigMap internals
                }
                if (!Files.isRegularFile(file)) {
                    files.put(name, null); // e.g. a symlink dangling for a moment: retried next pass
                    continue;
                }
                try {
                    files.put(name, Files.readAllBytes(file));
                } catch (IOException e) {
                    LOG.debug("Could not read {} (retried next time): {}", file, e.toString());
                    files.put(name, null);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + folder + ": " + e, e);
        }
        return files;
    }
}
