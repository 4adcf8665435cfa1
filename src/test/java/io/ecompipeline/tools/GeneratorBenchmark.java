package io.ecompipeline.tools;

import java.io.Reader;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

import io.ecompipeline.cli.PipelineApp;
import io.ecompipeline.generate.GeneratorService;
import io.ecompipeline.generate.ShopGenerator;
import io.ecompipeline.local.LocalServices;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * {@code bin/bench-generate [DAYS=540] [SCALE=1]}: the generator's history into the embedded PostgreSQL and S3;
 * prints rows/s per table, total time and peak heap, and beside it the time PostgreSQL's own COPY takes to load the
 * same rows from files into empty copies of the tables (the loading limit).
 */
public final class GeneratorBenchmark {

    /** The shop's tables the generator writes (ShopGenerator's own list is package-private), in foreign-key order. */
    private static final String[] TABLES = {"customers", "products", "orders", "order_items"};

    public static void main(String[] args) throws Exception {
        String days = args.length > 0 ? args[0] : "540";
        String scale = args.length > 1 ? args[1] : "1";
        try (LocalServices services = LocalServices.start(null)) {
            try (Connection c = DriverManager.getConnection(services.jdbcUrl(), services.jdbcUser(),
                    services.jdbcPassword()); Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS shop CASCADE");
                st.execute("DROP SCHEMA IF EXISTS shop_copy CASCADE");
            }
            Map<String, String> props = new HashMap<>(services.pipelineProperties());
            props.put("pipeline.provision-resources", "true");
            props.put("pipeline.generator.schedule-enabled", "false");
            ShopGenerator.RunResult r;
            try (PipelineApp app = new PipelineApp(props)) {
                app.start();
                GeneratorService g = app.bean("shopGenerator", GeneratorService.class);
                resetPeaks();
                r = g.run(g.with(Map.of("mode", "initial", "days", days, "scale", scale, "export", "false")), true);
            }
            long peak = peakHeap();
            double secs = r.millis() / 1000.0;
            System.out.printf("%nbench-generate: %d days, scale %s, %s in %.1f s (snapshots and run log included), "
                    + "peak heap %d MB (max %d MB; app and embedded servers in one JVM)%n", r.days(), scale, r.status(),
                    secs, peak >> 20, Runtime.getRuntime().maxMemory() >> 20);
            long rows = 0;
            for (String t : new String[] {"customers", "products", "orders", "order_items", "payments", "shipments"}) {
                long n = r.records().get(t);
                rows += n;
                System.out.printf("  %-12s %,10d rows  %,10.0f rows/s%n", t, n, n / secs);
            }
            System.out.printf("  %-12s %,10d rows  %,10.0f rows/s%n", "all", rows, rows / secs);

            // the loading limit: COPY the same rows from files into empty tables of the same shape
            Path dir = Files.createTempDirectory("bench-generate");
            try (Connection c = DriverManager.getConnection(services.jdbcUrl(), services.jdbcUser(),
                    services.jdbcPassword()); Statement st = c.createStatement()) {
                CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
                st.execute("CREATE SCHEMA shop_copy");
                long copyNanos = 0;
                long tableRows = 0;
                for (String t : TABLES) {
                    Path f = dir.resolve(t + ".tsv");
                    try (Writer w = Files.newBufferedWriter(f, StandardCharsets.UTF_8)) {
                        copy.copyOut("COPY shop." + t + " TO STDOUT", w);
                    }
                    st.execute("CREATE TABLE shop_copy." + t + " (LIKE shop." + t + " INCLUDING ALL)");
                }
                st.execute("ALTER TABLE shop_copy.orders ADD FOREIGN KEY (customer_id) REFERENCES shop_copy.customers");
                st.execute("ALTER TABLE shop_copy.order_items ADD FOREIGN KEY (order_id) REFERENCES shop_copy.orders");
                st.execute("ALTER TABLE shop_copy.order_items ADD FOREIGN KEY (product_id) REFERENCES shop_copy.products");
                for (String t : TABLES) {
                    long t0 = System.nanoTime();
                    try (Reader rd = Files.newBufferedReader(dir.resolve(t + ".tsv"), StandardCharsets.UTF_8)) {
                        tableRows += copy.copyIn("COPY shop_copy." + t + " FROM STDIN", rd);
                    }
                    copyNanos += System.nanoTime() - t0;
                }
                double copySecs = copyNanos / 1e9;
                System.out.printf("PostgreSQL COPY of the same %,d table rows from files (same indexes and foreign "
                        + "keys): %.1f s, %,.0f rows/s%n", tableRows, copySecs, tableRows / copySecs);
                long genTableRows = r.records().get("customers") + r.records().get("products")
                        + r.records().get("orders") + r.records().get("order_items");
                System.out.printf("generator: %,.0f table rows/s = %.0f%% of COPY-only speed%n", genTableRows / secs,
                        100.0 * (genTableRows / secs) / (tableRows / copySecs));
                st.execute("DROP SCHEMA shop_copy CASCADE");
            } finally {
                try (var files = Files.list(dir)) {
                    files.forEach(f -> f.toFile().delete());
                }
                Files.deleteIfExists(dir);
            }
        }
        System.exit(0);
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
    }

    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
