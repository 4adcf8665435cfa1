package io.ecompipeline.orchestrate;

/** {@code io.ecompipeline:type=Recompute}: re-derive a date range's KPIs in the running service (see {@link RecomputeOperation}). */
public interface RecomputeOperationMBean {

    /**
     * Re-derives the KPIs of {@code from} to {@code to} (YYYY-MM-DD, both included) from the state, under the
     * processing lease; returns when done, with a one-line summary. Fails with the reason when the lease stays held
     * or the range is wrong.
     */
    String recompute(String from, String to);

    /** The summary (or the failure) of the last recompute of this service since it started; empty before the first. */
    String getLastResult();
}
