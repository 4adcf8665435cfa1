package io.ecompipeline.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.stream.Stream;

import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBRequestHandler;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBServerHandler;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real servers that speak the protocols the application uses, started in this JVM and bound to 127.0.0.1 only, each
 * on a free ephemeral port or on the port asked ({@link Ports}):
 * <ul>
 * <li>S3: s3proxy, AWS signature v2/v4 with the fixed credentials {@value #ACCESS_KEY}/{@value #SECRET_KEY}
 * (clients must use path-style access);</li>
 * <li>DynamoDB: DynamoDB Local over HTTP, one shared database whatever the credentials or region;</li>
 * <li>SQS: ElasticMQ (in memory in both modes);</li>
 * <li>PostgreSQL 17: zonky's embedded PostgreSQL, trust authentication, user {@code postgres}.</li>
 * </ul>
 * With a data folder, S3 ({@code dataDir/s3}, or a folder of its own), DynamoDB ({@code dataDir/dynamodb}) and
 * PostgreSQL ({@code dataDir/postgres}) keep their state across restarts; without one, everything lives in memory or
 * in a temporary folder removed on {@link #close()}.
 * <p>
 * It lives in the local launcher's own source root and jar ({@code src/local/java}, {@code ecom-pipeline-local.jar})
 * on purpose: the production artefact carries none of these emulators.
 */
public final class LocalServices implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalServices.class);
    private static final String HOST = "127.0.0.1";
    private static final String ACCESS_KEY = "local";
    private static final String SECRET_KEY = "localsecret";
    private static final String REGION = "us-east-1";
    private static final String JDBC_USER = "postgres";
    /** PostgreSQL runs with trust authentication (zonky's initdb -A trust): any password is accepted. */
    private static final String JDBC_PASSWORD = "postgres";
    private static final long START_TIMEOUT_SECONDS = 120;
    private static final String PEKKO_SHUTDOWN_HOOK = "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook";

    /**
     * sqlite4java (inside DynamoDB Local) logs every queue start and stop through java.util.logging. DynamoDB Local's
     * own ServerRunner turns it down; we do not use ServerRunner, so we do it here. The strong reference matters:
     * JUL keeps loggers weakly and a collected logger forgets its level.
     */
    private static final java.util.logging.Logger SQLITE4JAVA_LOG =
            java.util.logging.Logger.getLogger("com.almworks.sqlite4java");

    static {
        SQLITE4JAVA_LOG.setLevel(Level.WARNING);
    }

    private final Deque<Running> started = new ArrayDeque<>();
    private URI s3Endpoint;
    private URI dynamoDbEndpoint;
    private URI sqsEndpoint;
    private String jdbcUrl;
    private boolean closed;

    @FunctionalInterface
    private interface Stopper {
        void stop() throws Exception;
    }

    /**
     * One started server: what it is, where it listens, how to stop it, and whether it outlives this JVM (a server
     * process of its own, files to remove) or ends with it.
     */
    private record Running(String name, String endpoint, Stopper stopper, boolean outlivesJvm) {

        Running(String name, String endpoint, Stopper stopper) {
            this(name, endpoint, stopper, false);
        }

        void stopQuietly() {
            try {
                stopper.stop();
            } catch (Exception e) {
                LOG.warn("Could not stop {} cleanly: {}", name, e.toString());
            }
        }
    }

    /** A start step; on failure it stops whatever part of its server it had already started. */
    @FunctionalInterface
    private interface Starter {
        Running start() throws Exception;
    }

    private LocalServices() {
    }

    /**
     * Starts all four servers, concurrently (each on its own thread: most of the time goes to class loading and to
     * PostgreSQL's initdb, an external process). If one fails, the others are stopped and its exception is thrown.
     *
     * @param dataDir where state is kept across restarts; null for throw-away state
     */
    public static LocalServices start(Path dataDir) throws Exception {
        return start(dataDir, dataDir == null ? null : dataDir.resolve("s3"));
    }

    /**
     * As {@link #start(Path)}, with S3's objects kept as files under {@code s3Dir} (s3proxy's filesystem blob store)
     * whatever {@code dataDir} is: a benchmark keeps a large input on disk, so that it is not counted in any heap.
     *
     * @param s3Dir where S3 keeps its objects; null for in memory
     */
    public static LocalServices start(Path dataDir, Path s3Dir) throws Exception {
        return start(dataDir, s3Dir, Ports.ANY);
    }

    /**
     * The ports the servers listen on; 0 = a free one. {@code bin/ecom-pipeline run} uses fixed ones
     * ({@code pipeline.local.*-port}), so that an {@code aws --endpoint-url} line stays right across restarts.
     */
    public record Ports(int s3, int dynamoDb, int sqs, int postgres) {
        public static final Ports ANY = new Ports(0, 0, 0, 0);
    }

    /** As {@link #start(Path, Path)}, on the given ports. */
    public static LocalServices start(Path dataDir, Path s3Dir, Ports ports) throws Exception {
        long t0 = System.nanoTime();
        // the order here is the logical start order; close() stops in reverse
        List<CompletableFuture<Running>> starting = List.of(
                startAsync("s3", () -> startS3(s3Dir, ports.s3())),
                startAsync("dynamodb", () -> startDynamoDb(dataDir, ports.dynamoDb())),
                startAsync("sqs", () -> startSqs(ports.sqs())),
                startAsync("postgres", () -> startPostgres(dataDir, ports.postgres())));
        LocalServices services = new LocalServices();
        Throwable failure = null;
        for (CompletableFuture<Running> future : starting) {
            try {
                services.started.push(future.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS));
            } catch (ExecutionException e) {
                failure = addTo(failure, e.getCause());
            } catch (TimeoutException | InterruptedException e) {
                future.thenAccept(Running::stopQuietly); // whenever it does come up
                failure = addTo(failure, e instanceof TimeoutException
                        ? new TimeoutException("a local service did not start within " + START_TIMEOUT_SECONDS + " s")
                        : e);
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        if (failure != null) {
            services.close();
            if (failure instanceof Error error) {
                throw error;
            }
            throw (Exception) failure;
        }
        Running[] running = services.started.toArray(Running[]::new); // newest first: postgres, sqs, dynamodb, s3
        services.jdbcUrl = running[0].endpoint();
        services.sqsEndpoint = URI.create(running[1].endpoint());
        services.dynamoDbEndpoint = URI.create(running[2].endpoint());
        services.s3Endpoint = URI.create(running[3].endpoint());
        LOG.info("Local services started in {} ms", millisSince(t0));
        return services;
    }

    private static CompletableFuture<Running> startAsync(String name, Starter starter) {
        CompletableFuture<Running> future = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                future.complete(starter.start());
            } catch (Throwable e) {
                future.completeExceptionally(e);
            }
        }, "local-" + name + (name.startsWith("stop-") ? "" : "-start"));
        thread.setDaemon(true);
        thread.start();
        return future;
    }

    private static Throwable addTo(Throwable first, Throwable next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    private static Running startS3(Path s3Dir, int fixedPort) throws Exception {
        long t0 = System.nanoTime();
        int port = portOr(fixedPort);
        // s3proxy 4.x no longer embeds jclouds, but keeps its provider names: "filesystem" (with the jclouds base-dir
        // property) is its FilesystemNio2BlobStore, "transient" its in-memory TransientNio2BlobStore.
        Properties blobStoreProperties = new Properties();
        BlobStore blobStore;
        if (s3Dir == null) {
            blobStore = BlobStores.create("transient", blobStoreProperties);
        } else {
            blobStoreProperties.setProperty("jclouds.filesystem.basedir",
                    Files.createDirectories(s3Dir).toAbsolutePath().toString());
            blobStore = BlobStores.create("filesystem", blobStoreProperties);
        }
        URI endpoint = URI.create("http://" + HOST + ":" + port);
        // its Jetty connector binds the endpoint's host; metrics (an extra listener) stay off
        S3Proxy proxy = S3Proxy.builder().blobStore(blobStore).endpoint(endpoint)
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY).build();
        Running running = new Running("S3", endpoint.toString(), proxy::stop);
        try {
            proxy.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!"STARTED".equals(proxy.getState())) {
                if (System.nanoTime() > deadline || "FAILED".equals(proxy.getState())) {
                    throw new IllegalStateException("s3proxy did not start on " + endpoint + ": " + proxy.getState());
                }
                Thread.sleep(10);
            }
        } catch (Exception e) {
            running.stopQuietly();
            throw e;
        }
        LOG.info("S3 (s3proxy, {}) at {} in {} ms", s3Dir == null ? "in memory" : s3Dir, endpoint,
                millisSince(t0));
        return running;
    }

    /**
     * DynamoDB Local's own launcher ({@code ServerRunner} / {@code DynamoDBProxyServer}) builds {@code new
     * Server(port)}, which listens on every interface, has no host option, and swallows a failed bind (it prints to
     * stderr and returns normally). So we assemble the same thing from its public classes: its request handler and
     * Jetty handler, wrapped as DynamoDBProxyServer does (a ContextHandler in a ContextHandlerCollection), behind our
     * own connector on 127.0.0.1. Bypassing ServerRunner also means telemetry is never configured: nothing is sent.
     */
    private static Running startDynamoDb(Path dataDir, int fixedPort) throws Exception {
        long t0 = System.nanoTime();
        int port = portOr(fixedPort);
        boolean inMemory = dataDir == null;
        String dbPath = inMemory ? null : Files.createDirectories(dataDir.resolve("dynamodb")).toAbsolutePath().toString();
        // sharedDb: one database whatever access key and region a client uses (else one file per key and region)
        LocalDynamoDBRequestHandler requestHandler = new LocalDynamoDBRequestHandler(0, inMemory, dbPath, true, false);
        LocalDynamoDBServerHandler serverHandler = new LocalDynamoDBServerHandler(requestHandler, null);

        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("dynamodb-local");
        Server jetty = new Server(threads);
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost(HOST);
        connector.setPort(port);
        jetty.addConnector(connector);
        ContextHandler context = new ContextHandler();
        context.setHandler(serverHandler);
        jetty.setHandler(new ContextHandlerCollection(context));
        jetty.setStopTimeout(2_000);
        String endpoint = "http://" + HOST + ":" + port;
        // as DynamoDBProxyServer.stop(): Jetty first, then the handler, which closes the database
        Running running = new Running("DynamoDB", endpoint, () -> {
            try {
                jetty.stop();
            } finally {
                serverHandler.close();
            }
        });
        try {
            jetty.start(); // a failed bind throws here
        } catch (Exception e) {
            running.stopQuietly();
            throw e;
        }
        LOG.info("DynamoDB (DynamoDB Local, {}) at {} in {} ms", inMemory ? "in memory" : dbPath, endpoint,
                millisSince(t0));
        return running;
    }

    private static Running startSqs(int fixedPort) throws IOException {
        long t0 = System.nanoTime();
        // ElasticMQ's actor system would otherwise run Pekko's coordinated shutdown from a JVM shutdown hook (about
        // 0.3 s at every exit); close() stops it, and a one-shot command's JVM just ends it
        if (System.getProperty(PEKKO_SHUTDOWN_HOOK) == null) {
            System.setProperty(PEKKO_SHUTDOWN_HOOK, "off");
        }
        int port = portOr(fixedPort);
        // withServerAddress: the queue URLs it hands out name this endpoint (default: http://localhost:9324)
        SQSRestServer server = SQSRestServerBuilder.withInterface(HOST).withPort(port)
                .withServerAddress(new NodeAddress("http", HOST, port, "")).withAWSRegion(REGION).start();
        String endpoint = "http://" + HOST + ":" + port;
        Running running = new Running("SQS", endpoint, server::stopAndWait);
        try {
            server.waitUntilStarted(); // a failed bind throws here
        } catch (RuntimeException e) {
            running.stopQuietly();
            throw e;
        }
        LOG.info("SQS (ElasticMQ, in memory) at {} in {} ms", endpoint, millisSince(t0));
        return running;
    }

    private static Running startPostgres(Path dataDir, int fixedPort) throws IOException {
        long t0 = System.nanoTime();
        int port = portOr(fixedPort);
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setPort(port)
                .setServerConfig("listen_addresses", HOST).setPGStartupWait(Duration.ofSeconds(60));
        Path pgData;
        Path throwAway = null;
        if (dataDir != null) {
            pgData = Files.createDirectories(dataDir.resolve("postgres")).toAbsolutePath();
            // initdb runs only when the folder holds no cluster yet; the cluster is kept on close
            builder.setDataDirectory(pgData).setCleanDataDirectory(false);
        } else {
            // a copy of a cluster initialised once per machine (initdb is most of PostgreSQL's start-up), and no
            // flush to disk: nothing of a throw-away cluster has to survive a crash of the machine
            throwAway = copyOf(postgresTemplate());
            pgData = throwAway;
            builder.setDataDirectory(pgData).setCleanDataDirectory(false).setRegisterShutdownHook(false)
                    .setServerConfig("fsync", "off").setServerConfig("full_page_writes", "off");
        }
        EmbeddedPostgres postgres;
        try {
            postgres = builder.start();
        } catch (IOException | RuntimeException e) {
            deleteTree(throwAway);
            throw e;
        }
        String jdbcUrl = "jdbc:postgresql://" + HOST + ":" + postgres.getPort() + "/postgres";
        LOG.info("PostgreSQL (embedded PostgreSQL, {}) at {} in {} ms",
                throwAway != null ? "temporary folder" : pgData, jdbcUrl, millisSince(t0));
        Path removeOnClose = throwAway;
        return new Running("PostgreSQL", jdbcUrl, () -> {
            if (removeOnClose == null) {
                postgres.close();
                return;
            }
            // immediate shutdown, no checkpoint: the cluster is deleted (zonky's close would run pg_ctl stop -m fast)
            stopImmediately(removeOnClose);
            deleteTree(removeOnClose);
        }, true);
    }

    /**
     * An initialised, cleanly stopped PostgreSQL cluster under the temporary folder, made once per binaries version
     * (by zonky, as for its own start: initdb, a start and a stop) and copied for each throw-away start. Two JVMs
     * making it at once each build their own and the first rename wins.
     */
    private static Path postgresTemplate() throws IOException {
        URL binaries = EmbeddedPostgres.class.getResource("/postgres-linux-x86_64.txz");
        String version = Integer.toHexString(String.valueOf(binaries).hashCode());
        Path parent = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "embedded-pg"));
        Path template = parent.resolve("ecom-pipeline-template-" + version);
        if (Files.isRegularFile(template.resolve(TEMPLATE_READY))) {
            return template;
        }
        long t0 = System.nanoTime();
        Path work = Files.createTempDirectory(parent, "ecom-pipeline-template-");
        try {
            // initdb --wal-segsize=1 (zonky passes its locale settings to initdb as --key=value): 1 MB of WAL to copy
            // per start instead of 16
            EmbeddedPostgres.builder().setPort(freePort()).setServerConfig("listen_addresses", HOST)
                    .setLocaleConfig("wal-segsize", "1").setDataDirectory(work).setCleanDataDirectory(false).setRegisterShutdownHook(false).start().close();
            Files.deleteIfExists(work.resolve("epg-lock"));
            Files.createFile(work.resolve(TEMPLATE_READY));
            Files.move(work, template, StandardCopyOption.ATOMIC_MOVE);
            LOG.info("PostgreSQL template cluster made at {} in {} ms (once per machine)", template, millisSince(t0));
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            deleteTree(work); // another JVM made it first
        } catch (IOException | RuntimeException e) {
            deleteTree(work);
            throw e;
        }
        return template;
    }

    private static final String TEMPLATE_READY = "ecom-pipeline-template.ready";

    private static Path copyOf(Path template) throws IOException {
        Path copy = Files.createTempDirectory("ecom-pipeline-pg-"); // mode 0700, as PostgreSQL wants its data folder
        try (Stream<Path> files = Files.walk(template)) {
            for (Path from : (Iterable<Path>) files::iterator) {
                Path to = copy.resolve(template.relativize(from).toString());
                if (from.equals(template) || from.getFileName().toString().equals(TEMPLATE_READY)) {
                    continue;
                }
                if (Files.isDirectory(from)) {
                    Files.createDirectory(to);
                    Files.setPosixFilePermissions(to, Files.getPosixFilePermissions(from));
                } else {
                    Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        } catch (IOException | RuntimeException e) {
            deleteTree(copy);
            throw e;
        }
        return copy;
    }

    /**
     * SIGQUIT to the postmaster (PostgreSQL's immediate shutdown), then waits, as {@code pg_ctl stop} does, until it
     * has removed its pid file on exit (its process may linger as a zombie until the container's init reaps it).
     */
    private static void stopImmediately(Path pgData) throws Exception {
        Path pidFile = pgData.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        String pid = Files.readAllLines(pidFile).get(0).trim();
        new ProcessBuilder("kill", "-QUIT", pid).start().waitFor(5, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Files.exists(pidFile) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static int portOr(int fixed) throws IOException {
        return fixed > 0 ? fixed : freePort();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        }
    }

    private static long millisSince(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** For example {@code http://127.0.0.1:41234}; clients must use path-style access. */
    public URI s3Endpoint() {
        return s3Endpoint;
    }

    public URI dynamoDbEndpoint() {
        return dynamoDbEndpoint;
    }

    public URI sqsEndpoint() {
        return sqsEndpoint;
    }

    /** For example {@code jdbc:postgresql://127.0.0.1:41235/postgres}. */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String jdbcUser() {
        return JDBC_USER;
    }

    public String jdbcPassword() {
        return JDBC_PASSWORD;
    }

    public String accessKey() {
        return ACCESS_KEY;
    }

    public String secretKey() {
        return SECRET_KEY;
    }

    public String region() {
        return REGION;
    }

    /**
     * The application's configuration for the servers a {@code run} started on these fixed ports (from another
     * process: {@code kpis} and {@code recompute} on that run's data); the same keys as {@link #pipelineProperties()}.
     */
    public static Map<String, String> pipelinePropertiesOf(Ports ports) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("pipeline.aws.region", REGION);
        p.put("pipeline.aws.access-key", ACCESS_KEY);
        p.put("pipeline.aws.secret-key", SECRET_KEY);
        p.put("pipeline.s3.endpoint", "http://" + HOST + ":" + ports.s3());
        p.put("pipeline.dynamodb.endpoint", "http://" + HOST + ":" + ports.dynamoDb());
        p.put("pipeline.sqs.endpoint", "http://" + HOST + ":" + ports.sqs());
        p.put("pipeline.jdbc.url", "jdbc:postgresql://" + HOST + ":" + ports.postgres() + "/postgres");
        p.put("pipeline.jdbc.user", JDBC_USER);
        p.put("pipeline.jdbc.password", JDBC_PASSWORD);
        return Collections.unmodifiableMap(p);
    }

    /** The application's configuration for these servers (unmodifiable). */
    public Map<String, String> pipelineProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("pipeline.aws.region", region());
        p.put("pipeline.aws.access-key", accessKey());
        p.put("pipeline.aws.secret-key", secretKey());
        p.put("pipeline.s3.endpoint", s3Endpoint.toString());
        p.put("pipeline.dynamodb.endpoint", dynamoDbEndpoint.toString());
        p.put("pipeline.sqs.endpoint", sqsEndpoint.toString());
        p.put("pipeline.jdbc.url", jdbcUrl);
        p.put("pipeline.jdbc.user", jdbcUser());
        p.put("pipeline.jdbc.password", jdbcPassword());
        return Collections.unmodifiableMap(p);
    }

    /**
     * For a JVM about to exit, with throw-away state: stops only what would outlive it (the PostgreSQL server process
     * and its folder). The servers in this JVM hold nothing to keep and end with it: stopping them gracefully would
     * only make a one-shot command wait (about 1 to 2 s for their connections and thread pools).
     */
    public synchronized void closeForExit() {
        started.removeIf(running -> !running.outlivesJvm());
        close();
    }

    /**
     * Stops everything, concurrently (the servers do not depend on each other; a one-shot command waits for the
     * slowest, not for their sum). Safe to call more than once; a failure to stop one server is logged and does not
     * keep the others running.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long t0 = System.nanoTime();
        List<CompletableFuture<Running>> stopping = new java.util.ArrayList<>();
        while (!started.isEmpty()) {
            Running running = started.pop();
            stopping.add(startAsync("stop-" + running.name(), () -> {
                running.stopQuietly();
                return running;
            }));
        }
        for (CompletableFuture<Running> stop : stopping) {
            try {
                stop.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("A local service did not stop: {}", e.toString());
            }
        }
        LOG.info("Local services stopped in {} ms", millisSince(t0));
    }
}
