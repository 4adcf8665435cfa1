package io.ecompipeline.cli;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

import io.ecompipeline.common.StartupException;
import io.ecompipeline.generate.GeneratorService;
import io.ecompipeline.generate.ShopGenerator;

/**
 * {@code generate [--mode M] [--days N] [--scale X] [--seed S] [--through DATE] [--export-history]
 * [--export true|false] [--days-per-commit N]}:
 * one run of the data generator (docs/contract.md §7) against the configured (or embedded) services.
 */
final class GenerateCommand {

    static final List<String> OPTIONS = List.of("mode", "days", "scale", "seed", "through", "export-history",
            "export", "days-per-commit");

    int run(Map<String, String> options) throws Exception {
        for (String key : options.keySet()) {
            if (!OPTIONS.contains(key)) {
                throw new UsageException("unknown option --" + key + " for generate");
            }
        }
        String mode = options.getOrDefault("mode", "auto");
        if (!List.of("auto", "initial", "incremental", "reload").contains(mode)) {
            throw new UsageException("--mode must be auto, initial, incremental or reload");
        }
        for (String flag : List.of("export", "export-history")) {
            String value = options.get(flag);
            if (value != null && !List.of("true", "false").contains(value)) {
                throw new UsageException("--" + flag + " must be true or false");
            }
        }
        checkValues(options); // before the 10-30 s of start-up, not after
        try (PipelineApp app = new PipelineApp(ONLY_THE_GENERATOR)) {
            app.start();
            GeneratorService generator = app.bean("shopGenerator", GeneratorService.class);
            ShopGenerator.RunResult r;
            try {
                r = generator.run(generator.with(options), true);
            } catch (ShopGenerator.Refused e) {
                throw new StartupException("generate: " + e.getMessage(), null); // one line, exit code 3
            }
            System.out.printf("generate %s %s: %s in %.1f s, records %s, run log %s%n", r.mode(), r.status(),
                    r.describe(), r.millis() / 1000.0, r.records(), r.runLogKey());
            return 0;
        }
    }

    /**
     * The command starts only what generating needs: no scheduled run, and of the routes only {@code generate}
     * (the {@code direct:} one, idle), so no poller, batch or orchestrator route runs. Pointed at a bucket that a
     * running {@code run} serves, it must not collect or process that service's arrivals.
     */
    static final Map<String, String> ONLY_THE_GENERATOR = Map.of("pipeline.generator.schedule-enabled", "false",
            "camel.main.route-filter-include-pattern", "generate");

    /** The numeric and date options, as the generator will read them: a bad value is refused at once. */
    static void checkValues(Map<String, String> options) {
        for (String key : List.of("days", "days-per-commit")) {
            String value = options.get(key);
            if (value != null && !value.matches("[1-9][0-9]{0,5}")) {
                throw new UsageException("--" + key + " must be a whole number of days above 0, not '" + value + "'");
            }
        }
        String scale = options.get("scale");
        if (scale != null) {
            double x;
            try {
                x = Double.parseDouble(scale);
            } catch (NumberFormatException e) {
                x = -1;
            }
            if (!(x > 0) || Double.isInfinite(x)) {
                throw new UsageException("--scale must be a number above 0 (a volume factor), not '" + scale + "'");
            }
        }
        String seed = options.get("seed");
        if (seed != null && !seed.matches("-?[0-9]{1,18}")) {
            throw new UsageException("--seed must be a whole number, not '" + seed + "'");
        }
        String through = options.get("through");
        if (through != null) {
            LocalDate day;
            try {
                day = LocalDate.parse(through);
            } catch (DateTimeParseException e) {
                throw new UsageException("--through must be a date like 2025-06-30, not '" + through + "'");
            }
            if (day.isAfter(LocalDate.now(ZoneOffset.UTC))) {
                throw new UsageException("--through " + through + " is in the future: the generator simulates days"
                        + " that have passed");
            }
        }
    }
}
