package io.ecompipeline.bench;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.ecompipeline.cli.IngestCommand;
import io.ecompipeline.cli.PipelineApp;
import io.ecompipeline.local.LocalServices;

/**
 * {@code bin/bench-ingest [COPIES=10]}: the lab sample replicated COPIES times (ids shifted per copy, so every copy is
 * new data: 9,000 orders and 27,007 lines each) ingested as one batch through the real pipeline on the embedded
 * servers. Prints rows, wall time, rows/s and the peak heap of this JVM (app and servers together).
 */
public final class IngestBenchmark {

    private IngestBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int copies = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Path lab = Path.of("src/test/resources/lab-sample");
        Path input = Files.createTempDirectory("bench-ingest");
        long rows = replicate(lab, input, copies);
        Path output = Files.createTempDirectory("bench-ingest-out");
        try (LocalServices services = LocalServices.start(null)) {
            Map<String, String> config = new java.util.HashMap<>(services.pipelineProperties());
            config.put("pipeline.provision-resources", "true");
            config.put("pipeline.poll.delay", "200");
            try (PipelineApp app = new PipelineApp(config)) {
                app.start();
                resetPeaks();
                long t0 = System.nanoTime();
                int code = new IngestCommand(input, output, Duration.ofMinutes(30)).run(app);
                double seconds = (System.nanoTime() - t0) / 1e9;
                System.out.printf("ingest benchmark: %d copies of the lab sample, %d files, %,d rows (orders + lines + "
                        + "catalog) in %.1f s = %,.0f rows/s; peak heap %d MB (app and embedded servers, -Xmx%d MB); "
                        + "exit %d%n", copies, copies * 25 + 1, rows, seconds, rows / seconds, peakHeapMb(),
                        Runtime.getRuntime().maxMemory() / (1024 * 1024), code);
            }
        }
        System.exit(0);
    }

    private static long replicate(Path lab, Path into, int copies) throws Exception {
        long rows = 0;
        Files.copy(lab.resolve("products.csv"), into.resolve("products.csv"));
        rows += Files.lines(lab.resolve("products.csv")).count() - 1;
        try (var files = Files.list(lab)) {
            for (Path f : files.filter(p -> !p.getFileName().toString().startsWith("products")).toList()) {
                for (int c = 0; c < copies; c++) {
                    long shift = 1_000_000L * c;
                    Path target = into.resolve(f.getFileName().toString().replace(".csv", "_copy" + c + ".csv"));
                    try (BufferedReader in = Files.newBufferedReader(f, StandardCharsets.UTF_8);
                            BufferedWriter out = Files.newBufferedWriter(target, StandardCharsets.UTF_8)) {
                        out.write(in.readLine() + "\n");
                        String line;
                        while ((line = in.readLine()) != null) {
                            int comma = line.indexOf(',');
                            out.write((Long.parseLong(line.substring(0, comma)) + shift) + line.substring(comma) + "\n");
                            rows++;
                        }
                    }
                }
            }
        }
        return rows;
    }

    private static void resetPeaks() {
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    private static long peakHeapMb() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak / (1024 * 1024);
    }
}
