package io.ecompipeline.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.ecompipeline.cli.IngestCommand;
import io.ecompipeline.cli.PipelineApp;
import io.ecompipeline.local.LocalServices;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The real application on the embedded servers, for tests. The servers start once per test JVM; {@link #fresh}
 * empties the bucket, the KPI tables and the database so each test starts from nothing.
 */
public final class TestPipeline implements AutoCloseable {

    public static final String BUCKET = "ecommerce-data";
    private static LocalServices services;

    private final PipelineApp app;

    private TestPipeline(Map<String, String> overrides) throws Exception {
        Map<String, String> all = new HashMap<>(services().pipelineProperties());
        all.put("pipeline.provision-resources", "true");
        all.put("pipeline.poll.delay", "200");
        all.put("pipeline.batch.retry-interval", "1s");
        all.putAll(overrides);
        app = new PipelineApp(all);
        app.start();
    }

    public static synchronized LocalServices services() throws Exception {
        if (services == null) {
            services = LocalServices.start(null);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    services.close();
                } catch (Exception e) {
                    // JVM is going away
                }
            }));
        }
        return services;
    }

    /** Empties S3, DynamoDB and PostgreSQL, then starts the application with these overrides. */
    public static TestPipeline fresh(Map<String, String> overrides) throws Exception {
        reset();
        return new TestPipeline(overrides);
    }

    /** Starts the application again on the current state (a restart). */
    public static TestPipeline restart(Map<String, String> overrides) throws Exception {
        return new TestPipeline(overrides);
    }

    public static void reset() throws Exception {
        LocalServices s = services();
        try (Connection c = DriverManager.getConnection(s.jdbcUrl(), s.jdbcUser(), s.jdbcPassword());
                Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS pipeline CASCADE");
        }
        try (S3Client s3 = Clients.s3(s)) {
            try {
                for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(BUCKET)).contents()) {
                    s3.deleteObject(b -> b.bucket(BUCKET).key(o.key()));
                }
            } catch (NoSuchBucketException e) {
                // created on start
            }
        }
        try (DynamoDbClient ddb = Clients.dynamoDb(s)) {
            for (String table : List.of("OrderKPIs", "CategoryKPIs", "ProcessingLock")) {
                try {
                    ddb.deleteTable(b -> b.tableName(table));
                } catch (ResourceNotFoundException e) {
                    // created on start
                }
            }
        }
    }

    public PipelineApp app() {
        return app;
    }

    public <T> T bean(String name, Class<T> type) {
        return app.bean(name, type);
    }

    /** Runs {@code ingest --input --output} in this application; returns its exit code. */
    public int ingest(Path input, Path output) throws Exception {
        return new IngestCommand(input, output, Duration.ofMinutes(3)).run(app);
    }

    public S3Client s3() {
        return bean("s3Client", S3Client.class);
    }

    /** Every object in the bucket, key to content. */
    public Map<String, byte[]> objects() {
        Map<String, byte[]> all = new TreeMap<>();
        S3Client s3 = s3();
        for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(BUCKET)).contents()) {
            all.put(o.key(), s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(o.key())).asByteArray());
        }
        return all;
    }

    public String object(String key) {
        return s3().getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asString(StandardCharsets.UTF_8);
    }

    public void sql(String statement) throws SQLException {
        LocalServices s = services;
        try (Connection c = DriverManager.getConnection(s.jdbcUrl(), s.jdbcUser(), s.jdbcPassword());
                Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }

    /** Rows of a CSV written by the pipeline (simple: the pipeline's own output quotes only when needed). */
    public static List<List<String>> readCsv(Path file) throws IOException {
        List<List<String>> rows = new ArrayList<>(ReferenceKpis.parse(Files.readString(file)));
        rows.remove(0);
        return rows;
    }

    /**
     * Nothing is lost (docs/contract.md §3): each input file is, byte for byte, in {@code archive/} or {@code quarantine/}
     * (once per time it was sent: pass an input twice when it was sent twice), and nothing is left under {@code incoming/} or {@code collected/}.
     */
    public void assertNothingLost(Path... inputs) throws IOException {
        Map<String, byte[]> objects = objects();
        assertThat(objects.keySet()).noneMatch(k -> k.startsWith("incoming/") || k.startsWith("collected/"));
        Map<String, Integer> stored = new HashMap<>();
        objects.forEach((key, bytes) -> {
            if ((key.startsWith("archive/") || key.startsWith("quarantine/")) && !key.endsWith(".error.json")) {
                stored.merge(key.substring(key.lastIndexOf('/') + 1) + "\n" + java.util.HexFormat.of().formatHex(
                        sha256(bytes)), 1, Integer::sum);
            }
        });
        for (Path input : inputs) {
            try (var files = Files.walk(input)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    String id = file.getFileName() + "\n"
                            + java.util.HexFormat.of().formatHex(sha256(Files.readAllBytes(file)));
                    assertThat(stored.getOrDefault(id, 0)).as("stored copies of " + file).isPositive();
                    stored.merge(id, -1, Integer::sum);
                }
            }
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A condition a test waits for; may throw (then it counts as not yet). */
    public interface Condition {
        boolean holds() throws Exception;
    }

    /** Polls {@code condition} every 100 ms until it holds; fails naming {@code what} after {@code timeout}. */
    public static void await(String what, java.time.Duration timeout, Condition condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                if (condition.holds()) {
                    return;
                }
            } catch (Exception e) {
                // not yet
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    /** The files of a batch's quality report, by incoming key. */
    public Map<String, com.fasterxml.jackson.databind.JsonNode> reportFiles(String batchId) throws IOException {
        com.fasterxml.jackson.databind.JsonNode report = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(object("reports/" + batchId + ".json"));
        Map<String, com.fasterxml.jackson.databind.JsonNode> byKey = new HashMap<>();
        report.get("files").forEach(f -> byKey.put(f.get("key").asText(), f));
        return byKey;
    }

    /** KPI rows keyed by their first {@code keyColumns} columns joined with '|'. */
    public static Map<String, List<String>> byKey(List<List<String>> rows, int keyColumns) {
        Map<String, List<String>> byKey = new TreeMap<>();
        rows.forEach(r -> byKey.put(String.join("|", r.subList(0, keyColumns)), r.subList(keyColumns, r.size())));
        return byKey;
    }

    @Override
    public void close() throws Exception {
        app.close();
    }
}
