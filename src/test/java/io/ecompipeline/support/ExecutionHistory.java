package io.ecompipeline.support;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * An execution's history read as its activity tasks: for each, the activity, the worker that took it, when it was
 * scheduled, started and ended, and (for validate-file) the file. The work of Step Functions mode runs in other JVMs,
 * so this is where a test or a benchmark sees who did what and how long it took. Relies on the AWS links between
 * events: ActivityStarted points at its ActivityScheduled, ActivitySucceeded/ActivityFailed at its ActivityStarted.
 */
public final class ExecutionHistory {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One activity task; {@code end} is null while it runs; {@code worker} null until a worker took it. */
    public record Task(String activity, String fileKey, String worker, Instant scheduled, Instant started,
            Instant end, boolean succeeded) {

        public Duration duration() {
            return Duration.between(started, end);
        }
    }

    private final List<HistoryEvent> events;
    private final List<Task> tasks;

    private ExecutionHistory(List<HistoryEvent> events) {
        this.events = events;
        Map<Long, HistoryEvent> byId = new HashMap<>();
        events.forEach(e -> byId.put(e.id(), e));
        Map<Long, Task> byScheduled = new LinkedHashMap<>();
        for (HistoryEvent e : events) {
            switch (e.typeAsString()) {
                case "ActivityScheduled" -> {
                    String resource = e.activityScheduledEventDetails().resource();
                    byScheduled.put(e.id(), new Task(resource.substring(resource.lastIndexOf(':') + 1),
                            fileKey(e.activityScheduledEventDetails().input()), null, e.timestamp(), null, null,
                            false));
                }
                case "ActivityStarted" -> byScheduled.computeIfPresent(e.previousEventId(), (id, t) -> new Task(
                        t.activity(), t.fileKey(), e.activityStartedEventDetails().workerName(), t.scheduled(),
                        e.timestamp(), null, false));
                case "ActivitySucceeded", "ActivityFailed" -> {
                    HistoryEvent started = byId.get(e.previousEventId());
                    if (started != null && "ActivityStarted".equals(started.typeAsString())) {
                        byScheduled.computeIfPresent(started.previousEventId(), (id, t) -> new Task(t.activity(),
                                t.fileKey(), t.worker(), t.scheduled(), t.started(), e.timestamp(),
                                "ActivitySucceeded".equals(e.typeAsString())));
                    }
                }
                default -> {
                    // Map, DynamoDB and SQS task events: not activities
                }
            }
        }
        this.tasks = List.copyOf(byScheduled.values());
    }

    public static ExecutionHistory of(SfnClient sfn, String executionArn) {
        return new ExecutionHistory(sfn.getExecutionHistoryPaginator(b -> b.executionArn(executionArn)).events()
                .stream().toList());
    }

    public List<HistoryEvent> events() {
        return events;
    }

    /** The tasks in the order they were scheduled. */
    public List<Task> tasks() {
        return tasks;
    }

    /** Those of one activity ({@code ecom-pipeline-validate-file}, ...). */
    public List<Task> tasks(String activity) {
        return tasks.stream().filter(t -> t.activity().equals(activity)).toList();
    }

    /** Which files each worker took (validate-file tasks), by worker name. */
    public Map<String, Set<String>> filesByWorker(String validateFileActivity) {
        Map<String, Set<String>> byWorker = new TreeMap<>();
        for (Task t : tasks(validateFileActivity)) {
            if (t.worker() != null) {
                byWorker.computeIfAbsent(t.worker(), w -> new TreeSet<>()).add(t.fileKey());
            }
        }
        return byWorker;
    }

    /** From the first of these tasks' scheduling to the last one's end: the phase's wall time. */
    public static Duration span(List<Task> tasks) {
        Instant first = tasks.stream().map(Task::scheduled).min(Instant::compareTo).orElseThrow();
        Instant last = tasks.stream().map(Task::end).filter(Objects::nonNull).max(Instant::compareTo)
                .orElseThrow();
        return Duration.between(first, last);
    }

    /** The execution's start and end (ExecutionStarted to its last event). */
    public Duration total() {
        return Duration.between(events.get(0).timestamp(), events.get(events.size() - 1).timestamp());
    }

    private static String fileKey(String input) {
        try {
            return input == null ? null : JSON.readTree(input).path("fileKey").asText(null);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
