package io.ecompipeline.local;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real servers that speak the protocols the application uses, started in this JVM on loopback only: S3 (s3proxy),
 * DynamoDB (DynamoDB Local over HTTP), SQS (ElasticMQ) and PostgreSQL (zonky's embedded PostgreSQL 17). With a data
 * folder their state survives a restart; without one it lives in memory or a temporary folder.
 */
public final class LocalServices implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalServices.class);
    private static final String HOST = "127.0.0.1";
    private static final String ACCESS_KEY = "local";
    private static final String SECRET_KEY = "localsecret";

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private URI s3Endpoint;
    private URI dynamoDbEndpoint;
    private URI sqsEndpoint;
    private String jdbcUrl;
    private boolean closed;

    private LocalServices() {
    }

    /** Starts all four; {@code dataDir} null means fresh, throw-away state. */
    public static LocalServices start(Path dataDir) throws Exception {
        LocalServices services = new LocalServices();
        try {
            services.startPostgres(dataDir);
            services.startS3(dataDir);
            services.startDynamoDb(dataDir);
            services.startSqs();
        } catch (Exception e) {
            services.close();
            throw e;
        }
        return services;
    }

    private void startS3(Path dataDir) throws Exception {
        long t0 = System.nanoTime();
        int port = freePort();
        var blobStore = dataDir == null ? new TransientNio2BlobStore()
                : new FilesystemNio2BlobStore(Files.createDirectories(dataDir.resolve("s3")).toString());
        S3Proxy proxy = S3Proxy.builder().blobStore(blobStore).endpoint(URI.create("http://" + HOST + ":" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY).build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
            Thread.sleep(10);
        }
        started.push(proxy::stop);
        s3Endpoint = URI.create("http://" + HOST + ":" + port);
        LOG.info("S3 (s3proxy) at {} in {} ms", s3Endpoint, millisSince(t0));
    }

    private void startDynamoDb(Path dataDir) throws Exception {
        long t0 = System.nanoTime();
        int port = freePort();
        String[] args = dataDir == null
                ? new String[] {"-inMemory", "-port", Integer.toString(port), "-disableTelemetry"}
                : new String[] {"-dbPath", Files.createDirectories(dataDir.resolve("dynamodb")).toString(), "-sharedDb",
                        "-port", Integer.toString(port), "-disableTelemetry"};
        DynamoDBProxyServer server;
        PrintStream stdout = System.out;
        try {
            // DynamoDB Local prints its configuration to stdout, where the commands print their results
            System.setOut(new PrintStream(OutputStream.nullOutputStream()));
            server = ServerRunner.createServerFromCommandLineArgs(args);
        } finally {
            System.setOut(stdout);
        }
        // DynamoDB Local binds every interface; narrow its Jetty connector to loopback before it starts
        Field jetty = DynamoDBProxyServer.class.getDeclaredField("server");
        jetty.setAccessible(true);
        for (var connector : ((Server) jetty.get(server)).getConnectors()) {
            ((ServerConnector) connector).setHost(HOST);
        }
        server.start();
        started.push(server::stop);
        dynamoDbEndpoint = URI.create("http://" + HOST + ":" + port);
        LOG.info("DynamoDB (DynamoDB Local) at {} in {} ms", dynamoDbEndpoint, millisSince(t0));
    }

    private void startSqs() throws IOException {
        long t0 = System.nanoTime();
        int port = freePort();
        SQSRestServer server = SQSRestServerBuilder.withInterface(HOST).withPort(port).start();
        server.waitUntilStarted();
        started.push(server::stopAndWait);
        sqsEndpoint = URI.create("http://" + HOST + ":" + port);
        LOG.info("SQS (ElasticMQ) at {} in {} ms", sqsEndpoint, millisSince(t0));
    }

    private void startPostgres(Path dataDir) throws IOException {
        long t0 = System.nanoTime();
        int port = freePort();
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setPort(port)
                .setServerConfig("listen_addresses", HOST);
        if (dataDir != null) {
            builder.setDataDirectory(Files.createDirectories(dataDir.resolve("postgres"))).setCleanDataDirectory(false);
        }
        EmbeddedPostgres postgres = builder.start();
        started.push(postgres);
        jdbcUrl = "jdbc:postgresql://" + HOST + ":" + port + "/postgres";
        LOG.info("PostgreSQL (embedded) at {} in {} ms", jdbcUrl, millisSince(t0));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        }
    }

    private static long millisSince(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    public URI s3Endpoint() {
        return s3Endpoint;
    }

    public URI dynamoDbEndpoint() {
        return dynamoDbEndpoint;
    }

    public URI sqsEndpoint() {
        return sqsEndpoint;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String jdbcUser() {
        return "postgres";
    }

    public String jdbcPassword() {
        return "postgres";
    }

    public String accessKey() {
        return ACCESS_KEY;
    }

    public String secretKey() {
        return SECRET_KEY;
    }

    public String region() {
        return "us-east-1";
    }

    /** The application's configuration for these servers. */
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
        return p;
    }

    @Override
    public synchronized void close() throws Exception {
        if (closed) {
            return;
        }
        closed = true;
        Exception first = null;
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
