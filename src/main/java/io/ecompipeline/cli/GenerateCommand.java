package io.ecompipeline.cli;

import java.util.List;
import java.util.Map;

import io.ecompipeline.generate.GeneratorService;
import io.ecompipeline.generate.ShopGenerator;

/**
 * {@code generate [--mode M] [--days N] [--scale X] [--seed S] [--through DATE] [--export-history]
 * [--export true|false] [--days-per-commit N]}:
 * one run of the data generator (CONTRACT §7) against the configured (or embedded) services.
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
        try (PipelineApp app = new PipelineApp(Map.of("pipeline.generator.schedule-enabled", "false"))) {
            app.start();
            GeneratorService generator = app.bean("shopGenerator", GeneratorService.class);
            ShopGenerator.RunResult r;
            try {
                r = generator.run(generator.with(options), true);
            } catch (NumberFormatException | java.time.DateTimeException e) {
                throw new UsageException("bad option value: " + e.getMessage());
            }
            System.out.printf("generate %s %s: %d day(s) %s..%s in %.1f s, records %s, run log %s%n", r.mode(),
                    r.status(), r.days(), r.firstDay(), r.lastDay(), r.millis() / 1000.0, r.records(),
                    r.runLogKey());
            return 0;
        }
    }
}
