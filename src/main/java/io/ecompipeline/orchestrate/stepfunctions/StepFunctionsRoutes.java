package io.ecompipeline.orchestrate.stepfunctions;

import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sfn.model.GetActivityTaskRequest;
import software.amazon.awssdk.services.sfn.model.GetActivityTaskResponse;

/**
 * Step Functions mode: the calls of the ingest orchestrator ({@link IngestExecutions}) and the worker routes, one per
 * activity, or several for an activity whose tasks this instance runs side by side (the per-file validation: as many
 * as the files local mode validates at once). A worker polls GetActivityTask (a long poll: Step Functions holds it up
 * to 60 s until a task comes), runs the task's step, and polls again. On shutdown the open polls are ended at once
 * ({@link ActivityPolls}); a step in flight runs to its end within {@code camel.main.shutdown-timeout}. The execution
 * calls have no error handler: "no such execution" and "already started" are answers {@link IngestExecutions}
 * expects, and any other failure is reported once, by the route that called them.
 */
public class StepFunctionsRoutes extends RouteBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(StepFunctionsRoutes.class);
    private static final String SFN = "aws2-step-functions://%s?awsSfnClient=#%s&operation=%s";

    private final Map<String, String> activityArns;
    private final Map<String, ActivityTasks.Step> steps;
    private final ActivityTasks tasks;
    private final ActivityPolls polls;
    private final Map<String, Integer> workers;
    private final String workerName;
    private final long pollErrorDelayMillis;

    /** The activities worked here, by activity name: their ARNs, steps and worker routes (1 when absent). */
    public record Activities(Map<String, String> arns, Map<String, ActivityTasks.Step> steps,
            Map<String, Integer> workers) {
    }

    /**
     * {@code workerName} is sent with each poll, so an execution's history tells which instance ran each task (its
     * ActivityStarted events).
     */
    public StepFunctionsRoutes(Activities activities, String workerName, ActivityTasks tasks, ActivityPolls polls,
            long pollErrorDelayMillis) {
        this.activityArns = activities.arns();
        this.steps = activities.steps();
        this.workers = activities.workers();
        this.workerName = workerName.length() > 80 ? workerName.substring(0, 80) : workerName; // the API's limit
        this.tasks = tasks;
        this.polls = polls;
        this.pollErrorDelayMillis = pollErrorDelayMillis;
    }

    @Override
    public void configure() {
        from("direct:sfn-start-execution")
                .routeId("sfn-start-execution")
                .routeDescription("Starts the ingest state machine for a closed batch (execution name = batch id)")
                .errorHandler(noErrorHandler())
                .to(String.format(SFN, "ingest", "sfnClient", "startExecution"));

        from("direct:sfn-describe-execution")
                .routeId("sfn-describe-execution")
                .routeDescription("How the execution of a batch stands")
                .errorHandler(noErrorHandler())
                .to(String.format(SFN, "ingest", "sfnClient", "describeExecution"));

        for (Map.Entry<String, String> activity : activityArns.entrySet()) {
            String name = activity.getKey();
            ActivityTasks.Step step = steps.get(name);
            int count = workers.getOrDefault(name, 1);
            for (int i = 1; i <= count; i++) {
                String id = count == 1 ? name : name + "-" + i;
                worker(id, name, activity.getValue(), step);
            }
        }
    }

    /** A timer whose next tick waits for the previous exchange: one poll (and task) at a time per worker route. */
    private void worker(String id, String name, String arn, ActivityTasks.Step step) {
        from("timer:" + id + "?delay=1000&period=1")
                .routeId("sfn-worker-" + id)
                .routeDescription("Polls the Step Functions activity " + name + " and runs its tasks")
                .onException(Exception.class).handled(true)
                    .process(e -> pollFailed(name, e))
                .end()
                .filter(e -> !polls.stopping())
                .setBody(constant(GetActivityTaskRequest.builder().activityArn(arn).workerName(workerName).build()))
                .to(String.format(SFN, id, "sfnPollClient", "getActivityTask") + "&pojoRequest=true")
                .filter(simple("${body.taskToken} != null"))
                    .process(e -> tasks.run(name, e.getMessage().getBody(GetActivityTaskResponse.class), step));
    }

    /** A poll ended by the shutdown is expected; any other failed poll is retried after the poll error delay. */
    private void pollFailed(String activity, Exchange exchange) throws InterruptedException {
        if (polls.stopping()) {
            return;
        }
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        LOG.warn("GetActivityTask for {} failed: {}; polling again in {} ms", activity,
                e == null ? "?" : e.getMessage(), pollErrorDelayMillis);
        polls.pause(pollErrorDelayMillis);
    }
}
