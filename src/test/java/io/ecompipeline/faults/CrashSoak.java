package io.ecompipeline.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import io.ecompipeline.support.CrashScenario;
import io.ecompipeline.support.TestPipeline;

/**
 * The randomized crash soak behind {@code bin/soak-crashes RUNS KILLS_PER_RUN [INSTANCES]}: each run drops the lab
 * sample in three waves while the service (in child JVMs) is SIGKILLed at random instants and restarted, then compares
 * the KPIs and the S3 layout with a clean run. Prints each run and a summary; exits 1 when any run diverged.
 */
public final class CrashSoak {

    private CrashSoak() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int killsPerRun = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int instances = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        long seed = Long.getLong("soak.seed", System.currentTimeMillis());
        Path work = Files.createTempDirectory("crash-soak");
        Path input = CrashScenario.labSampleWaves(Path.of("src/test/resources/lab-sample"), work.resolve("in"));
        CrashScenario scenario = new CrashScenario(TestPipeline.services(), work);
        int kills = 0;
        int divergent = 0;
        Map<String, Integer> phases = new TreeMap<>();
        long started = System.nanoTime();
        for (int run = 1; run <= runs; run++) {
            CrashScenario.Result r = scenario.run(input, seed + run, killsPerRun, instances);
            kills += r.kills();
            r.killPhases().forEach(p -> phases.merge(p, 1, Integer::sum));
            if (!r.divergences().isEmpty()) {
                divergent++;
            }
            System.out.printf("run %d/%d seed %d: %d kills %s, %s, %d s%n", run, runs, seed + run, r.kills(),
                    r.killPhases(), r.divergences().isEmpty() ? "same as a clean run" : "DIVERGED " + r.divergences(),
                    r.took().toSeconds());
        }
        System.out.printf("soak: %d runs, %d instance(s), %d kills (after: %s), %d diverged, %d s%n", runs, instances,
                kills, phases, divergent, (System.nanoTime() - started) / 1_000_000_000L);
        TestPipeline.services().close();
        System.exit(divergent == 0 ? 0 : 1);
    }
}
