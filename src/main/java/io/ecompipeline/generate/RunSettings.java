package io.ecompipeline.generate;

import java.util.function.BooleanSupplier;

/**
 * How a generator run meets the outside world: where it writes its exports ({@code incoming/} when they feed the
 * pipeline), how often it reports progress, how long it waits for the pipeline to collect one day's export before it
 * writes the next (0: it does not wait, for exports that do not feed the pipeline), and whether any instance collects
 * at all (holds the collector lease), so that a run which would wait for nobody is refused at once.
 */
public record RunSettings(String exportPrefix, long progressEveryMillis, long exportWaitMillis,
        BooleanSupplier collecting) {
}
