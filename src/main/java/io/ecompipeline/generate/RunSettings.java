package io.ecompipeline.generate;

/**
 * How a generator run meets the outside world: where it writes its exports ({@code incoming/} when they feed the
 * pipeline), how often it reports progress, and how long it waits for the pipeline to collect one day's export
 * before it writes the next (0: it does not wait, for exports that do not feed the pipeline).
 */
public record RunSettings(String exportPrefix, long progressEveryMillis, long exportWaitMillis) {
}
