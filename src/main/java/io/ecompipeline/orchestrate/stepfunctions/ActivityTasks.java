package io.ecompipeline.orchestrate.stepfunctions;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.GetActivityTaskResponse;
import software.amazon.awssdk.services.sfn.model.TaskDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.TaskTimedOutException;

/**
 * Runs one activity task a worker route received: the step runs with heartbeats sent every
 * {@code heartbeat-interval}, then SendTaskSuccess with its output or SendTaskFailure with {@code Transient} or
 * {@code BatchFailed} ({@link TaskErrors}). A task received while the application stops is failed as
 * {@code Transient} at once (the state machine retries it on another worker); a task still running when the
 * shutdown timeout forced the routes down is failed the same way when this service stops.
 */
public class ActivityTasks extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(ActivityTasks.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One step of a state machine: the task input in, the task output (a JSON object) out. */
    public interface Step {
        Map<String, Object> run(JsonNode input) throws Exception;
    }

    private final CamelContext context;
    private final SfnClient sfn;
    private final Duration heartbeatInterval;
    private final Map<String, String> inFlight = new ConcurrentHashMap<>();
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sfn-heartbeat");
        t.setDaemon(true);
        return t;
    });

    public ActivityTasks(CamelContext context, SfnClient sfn, Duration heartbeatInterval) {
        this.context = context;
        this.sfn = sfn;
        this.heartbeatInterval = heartbeatInterval;
    }

    public void run(String activity, GetActivityTaskResponse task, Step step) {
        String token = task.taskToken();
        if (context.isStopping() || isStoppingOrStopped()) {
            fail(token, TaskErrors.TRANSIENT, "worker " + activity + " is stopping; run the step elsewhere");
            return;
        }
        inFlight.put(token, activity);
        ScheduledFuture<?> heartbeat = heartbeats.scheduleAtFixedRate(() -> heartbeat(activity, token),
                heartbeatInterval.toMillis(), heartbeatInterval.toMillis(), TimeUnit.MILLISECONDS);
        try {
            JsonNode input = JSON.readTree(task.input());
            if (input.hasNonNull("batchId")) {
                MDC.put("batchId", input.get("batchId").asText());
            }
            LOG.info("Activity {} started", activity);
            Map<String, Object> output = step.run(input);
            heartbeat.cancel(false); // before the result: a late heartbeat would find the task gone
            String json = JSON.writeValueAsString(output);
            if (inFlight.remove(token) != null) {
                sfn.sendTaskSuccess(b -> b.taskToken(token).output(json));
                LOG.info("Activity {} succeeded: {}", activity, json);
            }
        } catch (Exception e) {
            heartbeat.cancel(false);
            String error = TaskErrors.classify(e);
            LOG.error("Activity {} failed ({}): {}", activity, error, TaskErrors.cause(e));
            if (inFlight.remove(token) != null) {
                fail(token, error, TaskErrors.cause(e));
            }
        } finally {
            MDC.remove("batchId");
        }
    }

    private void heartbeat(String activity, String token) {
        try {
            sfn.sendTaskHeartbeat(b -> b.taskToken(token));
        } catch (TaskTimedOutException | TaskDoesNotExistException e) {
            LOG.warn("Activity {}: Step Functions no longer waits for this task ({}); it will not take its result",
                    activity, e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("Activity {}: heartbeat failed: {}", activity, e.getMessage());
        }
    }

    private void fail(String token, String error, String cause) {
        try {
            sfn.sendTaskFailure(b -> b.taskToken(token).error(error).cause(cause));
        } catch (RuntimeException e) {
            LOG.warn("Could not report the task's failure ({}); Step Functions times it out: {}", error,
                    e.getMessage());
        }
    }

    /** A JSON object for the task output. */
    public static Map<String, Object> output(Object... keysAndValues) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            out.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return out;
    }

    @Override
    protected void doStop() {
        // the routes are down: a task still here was cut short by the shutdown timeout
        for (String token : inFlight.keySet()) {
            if (inFlight.remove(token) != null) {
                fail(token, TaskErrors.TRANSIENT, "the worker stopped before the step ended");
            }
        }
        heartbeats.shutdownNow();
    }
}
