package io.ecompipeline.tools;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.ecompipeline.support.CrashScenario;
import io.ecompipeline.support.TestPipeline;

/**
 * The randomized crash soak behind {@code bin/soak-crashes RUNS KILLS_PER_RUN [INSTANCES] [--hostile]}: each run drops
 * the lab sample in three waves while the service (in child JVMs) is SIGKILLed at random instants and restarted, then
 * compares the KPIs and the S3 layout with a clean run. With {@code --hostile}, hostile keys and files are dropped among
 * the waves ({@link CrashScenario#hostileWaves}). Prints each run and a summary; exits 1 when any run diverged.
 */
public final class CrashSoak {

    private CrashSoak() {
    }

    public static void main(String[] arguments) throws Exception {
        List<String> flags = Arrays.stream(arguments).filter(a -> a.startsWith("--")).toList();
        String[] args = Arrays.stream(arguments).filter(a -> !a.startsWith("--")).toArray(String[]::new);
        boolean hostile = flags.contains("--hostile");
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int killsPerRun = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int instances = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        long seed = Long.getLong("soak.seed", System.currentTimeMillis());
        Path work = Files.createTempDirectory("crash-soak");
        Path lab = Path.of("src/test/resources/lab-sample");
        Path input = hostile ? CrashScenario.hostileWaves(lab, work.resolve("in"))
                : CrashScenario.labSampleWaves(lab, work.resolve("in"));
        Map<String, Map<String, byte[]>> extras = hostile ? CrashScenario.hostileExtras() : Map.of();
        if (hostile) {
            System.out.println("hostile keys and files among the waves (newline, TAB, CR, control characters, "
                    + "1,024-byte keys, a UTF-16 and a binary orders file)");
        }
        CrashScenario scenario = new CrashScenario(TestPipeline.services(), work);
        int kills = 0;
        int divergent = 0;
        Map<String, Integer> phases = new TreeMap<>();
        long started = System.nanoTime();
        for (int run = 1; run <= runs; run++) {
            CrashScenario.Result r = scenario.run(input, extras, seed + run, killsPerRun, instances);
            kills += r.kills();
            r.killPhases().forEach(p -> phases.merge(p, 1, Integer::sum));
            if (!r.divergences().isEmpty()) {
                divergent++;
            }
            System.out.printf("run %d/%d seed %d: %d kills %s, %s, %d s%n", run, runs, seed + run, r.kills(),
                    r.killPhases(), r.divergences().isEmpty() ? "same as a clean run" : "DIVERGED " + r.divergences(),
                    r.took().toSeconds());
        }
        System.out.printf("soak%s: %d runs, %d instance(s), %d kills (after: %s), %d diverged, %d s%n",
                hostile ? " (hostile)" : "", runs, instances, kills, phases, divergent,
                (System.nanoTime() - started) / 1_000_000_000L);
        TestPipeline.services().close();
        System.exit(divergent == 0 ? 0 : 1);
    }
}
