package io.ecompipeline.support;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import io.ecompipeline.local.LocalServices;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * One fault run: waves of files dropped into S3 while one or more child JVMs run the service and a killer SIGKILLs
 * and restarts them at random instants; then the KPIs in DynamoDB and the S3 layout are compared with what a clean
 * run must give (the plain-Java reference of docs/contract.md §1-5, and every input file stored exactly once).
 */
public final class CrashScenario {

    /** What a run did and whether it diverged from a clean run (empty list = no divergence). */
    public record Result(int kills, List<String> killPhases, List<String> divergences, Duration took) {
    }

    private final LocalServices services;
    private final Path work;

    public CrashScenario(LocalServices services, Path work) {
        this.services = services;
        this.work = work;
    }

    /**
     * Three waves from the lab sample, each exactly one batch under the thresholds {@code 2} orders and {@code 6}
     * items files (the catalog in the first).
     */
    public static Path labSampleWaves(Path lab, Path into) throws IOException {
        String[][] waves = {
                {"products.csv", "orders_part1.csv", "orders_part2.csv", "order_items_part1.csv", "order_items_part2.csv",
                        "order_items_part3.csv", "order_items_part4.csv", "order_items_part5.csv", "order_items_part6.csv"},
                {"orders_part3.csv", "orders_part4.csv", "order_items_part7.csv", "order_items_part8.csv",
                        "order_items_part9.csv", "order_items_part10.csv", "order_items_part11.csv", "order_items_part12.csv"},
                {"orders_part5.csv", "orders_part6.csv", "order_items_part13.csv", "order_items_part14.csv",
                        "order_items_part15.csv", "order_items_part16.csv", "order_items_part17.csv", "order_items_part18.csv"}};
        for (int w = 0; w < waves.length; w++) {
            Path dir = Files.createDirectories(into.resolve("wave-" + (w + 1)));
            for (String name : waves[w]) {
                Files.copy(lab.resolve(name), dir.resolve(name));
            }
        }
        // part19 holds the last 7 lines: appended to part18 so that wave 3 has exactly 6 items files
        String tail = Files.readString(lab.resolve("order_items_part19.csv"));
        Files.writeString(into.resolve("wave-3/order_items_part18.csv"), tail.substring(tail.indexOf('\n') + 1),
                java.nio.file.StandardOpenOption.APPEND);
        return into;
    }

    public static Map<String, String> thresholds() {
        return Map.of("pipeline.batch.min-order-files", "2", "pipeline.batch.min-item-files", "6");
    }

    /** FileValidator's line for a file it validated: while it is logged, the batch's other files are in progress. */
    public static final String VALIDATING = " rows read, ";

    public Result run(Path input, long seed, int maxKills, int instances) throws Exception {
        return run(input, Map.of(), seed, maxKills, instances);
    }

    /**
     * The lab sample's waves with hostile keys and files among them: keys with a newline, a TAB, a carriage return and
     * other control characters (in the folders, so the reference reads them), a UTF-16 export and a binary file named
     * like orders files; {@link #hostileExtras} adds what a file name cannot hold (1,024-byte keys). Hostile orders
     * files hold orders of their own (ids above the lab sample's), so the KPIs show whether they were used.
     */
    public static Path hostileWaves(Path lab, Path into) throws IOException {
        labSampleWaves(lab, into);
        String header = "order_id,user_id,order_date,total_amount,status\n";
        write(into.resolve("wave-1/orders_zz_nl\nhere.csv"), header + "990000001,5001,2025-03-01,12.50,delivered\n");
        // the files that are not UTF-8 come last, so that a batch they fail does not hide what the others did
        Files.write(into.resolve("wave-3/orders_utf16.csv"),
                (header + "990000002,5002,2025-03-01,7.00,delivered\n").getBytes(StandardCharsets.UTF_16));
        byte[] binary = new byte[4096];
        new Random(16).nextBytes(binary);
        Files.write(into.resolve("wave-3/orders_x.csv"), binary);
        write(into.resolve("wave-1/notes\twith\ttabs.txt"), "not a data file\n");
        write(into.resolve("wave-2/orders_tab\there.csv"), header + "990000003,5003,2025-03-02,3.25,returned\n");
        write(into.resolve("wave-2/orders_zz_cr\rx.csv"), header + "990000004,5001,2025-03-02,8.00,shipped\n");
        write(into.resolve("wave-3/orders_zz_ctl\u0001\u001b\u007f.csv"),
                header + "990000005,5004,2025-03-03,1.00,refunded\n");
        write(into.resolve("wave-3/readme\n\u0007.md"), "# not data\n");
        return into;
    }

    /** Per wave folder, objects whose keys no file name can hold: 1,024 bytes, with '/' in them. */
    public static Map<String, Map<String, byte[]>> hostileExtras() {
        String dirs = ("d".repeat(199) + "/").repeat(4);
        return Map.of(
                "wave-1", Map.of("incoming/" + dirs + "order_items_" + "l".repeat(1024 - 9 - 800 - 12 - 4) + ".csv",
                        "order_id,product_id,quantity,unit_price\n".getBytes(StandardCharsets.UTF_8)),
                "wave-2", Map.of("incoming/" + dirs + "junk_\n\t" + "j".repeat(1024 - 9 - 800 - 7 - 4) + ".bin",
                        new byte[] {0, 1, 2, (byte) 0xff}));
    }

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text);
    }

    /**
     * {@link #run(Path, long, int, int)} with {@code extras} (per wave folder, key to content) dropped with the wave's
     * files; with extras, a batch that keeps failing is dead-lettered after 6 attempts and reported, not waited for.
     */
    public Result run(Path input, Map<String, Map<String, byte[]>> extras, long seed, int maxKills, int instances)
            throws Exception {
        List<String> kills = java.util.Collections.synchronizedList(new ArrayList<>());
        long started = System.nanoTime();
        TestPipeline.reset();
        Map<String, String> settings = new HashMap<>(ChildPipeline.fastFaultSettings());
        settings.putAll(thresholds());
        if (!extras.isEmpty()) {
            settings.put("pipeline.batch.max-attempts", "6");
        }
        Random random = new Random(seed);
        Path logs = Path.of("target", "fault-logs", "seed-" + seed + "-instances-" + instances);
        List<ChildPipeline> children = new ArrayList<>();
        AtomicInteger killed = new AtomicInteger();
        AtomicBoolean done = new AtomicBoolean();
        List<Path> waves;
        try (Stream<Path> s = Files.list(input)) {
            waves = s.filter(Files::isDirectory).sorted().toList();
        }
        try (S3Client s3 = Clients.s3(services)) {
            for (int i = 0; i < instances; i++) {
                children.add(ChildPipeline.start(services, settings, logs.resolve("instance-" + i + ".log")));
            }
            Thread killer = new Thread(() -> {
                try {
                    while (!done.get() && killed.get() < maxKills) {
                        int i = random.nextInt(children.size());
                        ChildPipeline victim;
                        synchronized (children) {
                            victim = children.get(i);
                        }
                        // kill at a random instant of a random phase: starting, collecting, processing a batch
                        // the first kill comes as the first file of a batch is validated: the batch's other files
                        // are still being validated in parallel
                        String[] phases = {"ecom-pipeline is running", "Collected incoming/", "Processing batch"};
                        String phase = killed.get() == 0 ? VALIDATING : phases[random.nextInt(phases.length)];
                        victim.awaitLog(phase, 15_000);
                        Thread.sleep(phase.equals(VALIDATING) ? 0 : random.nextInt(phase.startsWith("Processing") ? 3000 : 800));
                        if (done.get()) {
                            return;
                        }
                        synchronized (children) {
                            victim.kill();
                            killed.incrementAndGet();
                            kills.add(phase);
                            children.set(i, ChildPipeline.start(services, settings,
                                    logs.resolve("instance-" + i + ".log")));
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "killer");
            killer.start();
            waitFor("the bucket", Duration.ofSeconds(60), () -> bucketExists(s3));
            int wave = 0;
            List<String> stuck = new ArrayList<>();
            for (Path dir : waves) {
                wave++;
                for (var extra : extras.getOrDefault(dir.getFileName().toString(), Map.of()).entrySet()) {
                    s3.putObject(b -> b.bucket(TestPipeline.BUCKET).key(extra.getKey()),
                            RequestBody.fromBytes(extra.getValue()));
                }
                try (Stream<Path> files = Files.list(dir)) {
                    // items files last: a wave's batch closes on them (thresholds), so every other file is in by then
                    for (Path f : files.sorted(java.util.Comparator.comparing(
                            (Path p) -> p.getFileName().toString().startsWith("order_items_")).thenComparing(p -> p))
                            .toList()) {
                        s3.putObject(b -> b.bucket(TestPipeline.BUCKET).key("incoming/" + f.getFileName()),
                                RequestBody.fromFile(f));
                    }
                }
                int closed = wave;
                try {
                    waitFor("batch " + wave + " to close", Duration.ofSeconds(180), () -> batches("true") >= closed);
                } catch (AssertionError e) {
                    if (extras.isEmpty()) {
                        throw e;
                    }
                    stuck.add(e.getMessage());
                    break;
                }
            }
            int closedBatches = batches("true");
            try {
                waitFor("every batch to end", Duration.ofSeconds(300),
                        () -> batches("status IN ('finished', 'dead_lettered')") == closedBatches
                                && keys(s3, "incoming/").isEmpty() && (keys(s3, "collected/").isEmpty()
                                        || batches("status = 'dead_lettered'") > 0 || !stuck.isEmpty()));
            } catch (AssertionError e) {
                if (extras.isEmpty()) {
                    throw e;
                }
                stuck.add(e.getMessage());
            }
            done.set(true);
            killer.join();
            synchronized (children) {
                for (ChildPipeline child : children) {
                    child.close();
                }
            }
            List<String> divergences = new ArrayList<>(stuck);
            if (batches("true") != waves.size()) {
                divergences.add(batches("true") + " batches for " + waves.size() + " waves");
            }
            divergences.addAll(deadLettered());
            compareKpis(input, divergences);
            compareFiles(s3, input, extras, divergences);
            return new Result(killed.get(), List.copyOf(kills), divergences, Duration.ofNanos(System.nanoTime() - started));
        } finally {
            done.set(true);
            synchronized (children) {
                for (ChildPipeline child : children) {
                    child.kill();
                }
            }
        }
    }

    private void compareKpis(Path input, List<String> divergences) throws IOException {
        ReferenceKpis expected = ReferenceKpis.of(input);
        try (DynamoDbClient ddb = Clients.dynamoDb(services)) {
            divergences.addAll(kpiDivergences(ddb, expected));
        }
    }

    /** How the KPI tables in DynamoDB differ from the reference's (empty when they are equal). */
    public static List<String> kpiDivergences(DynamoDbClient ddb, ReferenceKpis expected) {
        List<String> divergences = new ArrayList<>();
        Map<String, List<String>> orders = new TreeMap<>();
        ddb.scanPaginator(b -> b.tableName("OrderKPIs")).items().forEach(i -> orders.put(i.get("order_date").s(),
                values(i, "total_orders", "total_revenue", "total_items_sold", "return_rate", "unique_customers")));
        Map<String, List<String>> categories = new TreeMap<>();
        ddb.scanPaginator(b -> b.tableName("CategoryKPIs")).items().forEach(i -> categories.put(
                i.get("category").s() + "|" + i.get("order_date").s(),
                values(i, "daily_revenue", "avg_order_value", "avg_return_rate")));
        diff("OrderKPIs", expected.orderKpis, orders, divergences);
        diff("CategoryKPIs", expected.categoryKpis, categories, divergences);
        return divergences;
    }

    private static List<String> values(Map<String, AttributeValue> item, String... names) {
        List<String> values = new ArrayList<>();
        for (String n : names) {
            values.add(item.containsKey(n) ? item.get(n).n() : "");
        }
        return values;
    }

    private static void diff(String table, Map<String, List<String>> expected, Map<String, List<String>> got,
            List<String> divergences) {
        for (String key : expected.keySet()) {
            List<String> e = expected.get(key);
            List<String> g = got.get(key);
            if (g == null) {
                divergences.add(table + " " + key + " missing");
                continue;
            }
            for (int i = 0; i < e.size(); i++) {
                if (new BigDecimal(e.get(i)).compareTo(new BigDecimal(g.get(i))) != 0) {
                    divergences.add(table + " " + key + ": expected " + e + " got " + g);
                    break;
                }
            }
        }
        got.keySet().stream().filter(k -> !expected.containsKey(k))
                .forEach(k -> divergences.add(table + " " + k + " unexpected"));
    }

    /** Stored byte for byte: by name and content (extras by content: a 1,024-byte key is stored shortened). */
    private static void compareFiles(S3Client s3, Path input, Map<String, Map<String, byte[]>> extras,
            List<String> divergences) throws Exception {
        Map<String, Integer> stored = new HashMap<>();
        for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(TestPipeline.BUCKET)).contents()) {
            String key = o.key();
            if ((key.startsWith("archive/") || key.startsWith("quarantine/")) && !key.endsWith(".error.json")) {
                byte[] bytes = s3.getObjectAsBytes(b -> b.bucket(TestPipeline.BUCKET).key(key)).asByteArray();
                stored.merge(shown(key.substring(key.lastIndexOf('/') + 1)) + " " + sha(bytes), 1, Integer::sum);
            }
        }
        Map<String, Integer> sent = new HashMap<>();
        try (Stream<Path> files = Files.walk(input)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                sent.merge(shown(f.getFileName().toString()) + " " + sha(Files.readAllBytes(f)), 1, Integer::sum);
            }
        }
        for (Map<String, byte[]> wave : extras.values()) {
            for (var extra : wave.entrySet()) {
                // stored under a shortened name (a hash, '-', the end of the name): matched by content
                String sha = sha(extra.getValue());
                String storedAs = stored.keySet().stream().filter(k -> k.endsWith(" " + sha)).findFirst()
                        .orElse(shown(extra.getKey()) + " " + sha);
                sent.merge(storedAs, 1, Integer::sum);
            }
        }
        if (!stored.equals(sent)) {
            divergences.add("stored files differ from sent files: sent " + sent.size() + " distinct, stored "
                    + stored.size() + " distinct; extra or missing: " + difference(sent, stored));
        }
    }

    /** A name with control characters escaped, for the soak's one-line messages. */
    private static String shown(String name) {
        return io.ecompipeline.common.Errors.printable(name).replace(' ', '_');
    }

    /** The batches that gave up, with their last error. */
    private List<String> deadLettered() {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(services.jdbcUrl(), services.jdbcUser(), services.jdbcPassword());
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT batch_id, error FROM pipeline.batches "
                        + "WHERE status = 'dead_lettered' ORDER BY batch_id")) {
            while (r.next()) {
                out.add("batch " + r.getString(1) + " dead-lettered: " + r.getString(2));
            }
        } catch (SQLException e) {
            out.add("cannot read the batches: " + e.getMessage());
        }
        return out;
    }

    private static String difference(Map<String, Integer> a, Map<String, Integer> b) {
        List<String> out = new ArrayList<>();
        a.forEach((k, v) -> {
            if (!v.equals(b.get(k))) {
                out.add(k.split(" ")[0] + " sent " + v + " stored " + b.getOrDefault(k, 0));
            }
        });
        b.forEach((k, v) -> {
            if (!a.containsKey(k)) {
                out.add(k.split(" ")[0] + " stored " + v + " never sent");
            }
        });
        return String.join("; ", out);
    }

    private static String sha(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private int batches(String where) {
        try (Connection c = DriverManager.getConnection(services.jdbcUrl(), services.jdbcUser(), services.jdbcPassword());
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT count(*) FROM pipeline.batches WHERE " + where)) {
            r.next();
            return r.getInt(1);
        } catch (SQLException e) {
            return 0; // schema not created yet
        }
    }

    private static boolean bucketExists(S3Client s3) {
        try {
            s3.headBucket(b -> b.bucket(TestPipeline.BUCKET));
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static List<String> keys(S3Client s3, String prefix) {
        return s3.listObjectsV2(b -> b.bucket(TestPipeline.BUCKET).prefix(prefix)).contents().stream()
                .map(S3Object::key).toList();
    }

    private static void waitFor(String what, Duration timeout, TestPipeline.Condition condition) throws Exception {
        TestPipeline.await(what, timeout, condition);
    }
}
