package io.ecompipeline.orchestrate.stepfunctions;

import java.util.Map;

import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.aws2.stepfunctions.StepFunctions2Constants;
import software.amazon.awssdk.services.sfn.model.GetActivityTaskResponse;

/**
 * Step Functions mode: the calls of the ingest orchestrator ({@link IngestExecutions}) and one worker route per
 * activity. A worker polls GetActivityTask (a long poll: Step Functions holds it up to 60 s until a task comes), runs
 * the task's step, and polls again. On shutdown the routes stop polling first; a step in flight runs to its end
 * within {@code camel.main.shutdown-timeout}.
 */
public class StepFunctionsRoutes extends RouteBuilder {

    private static final String SFN = "aws2-step-functions://%s?awsSfnClient=#sfnClient&operation=%s";

    private final Map<String, String> activityArns;
    private final Map<String, ActivityTasks.Step> steps;
    private final ActivityTasks tasks;
    private final long pollErrorDelayMillis;

    /** {@code activityArns} and {@code steps} by activity name. */
    public StepFunctionsRoutes(Map<String, String> activityArns, Map<String, ActivityTasks.Step> steps,
            ActivityTasks tasks, long pollErrorDelayMillis) {
        this.activityArns = activityArns;
        this.steps = steps;
        this.tasks = tasks;
        this.pollErrorDelayMillis = pollErrorDelayMillis;
    }

    @Override
    public void configure() {
        from("direct:sfn-start-execution")
                .routeId("sfn-start-execution")
                .routeDescription("Starts the ingest state machine for a closed batch (execution name = batch id)")
                .to(String.format(SFN, "ingest", "startExecution"));

        from("direct:sfn-describe-execution")
                .routeId("sfn-describe-execution")
                .routeDescription("How the execution of a batch stands")
                .to(String.format(SFN, "ingest", "describeExecution"));

        for (Map.Entry<String, String> activity : activityArns.entrySet()) {
            String name = activity.getKey();
            ActivityTasks.Step step = steps.get(name);
            // a timer whose next tick waits for the previous exchange: one poll (and task) at a time per activity
            from("timer:" + name + "?delay=1000&period=1")
                    .routeId("sfn-worker-" + name)
                    .routeDescription("Polls the Step Functions activity " + name + " and runs its tasks")
                    .onException(Exception.class).handled(true)
                        .log(LoggingLevel.WARN, "GetActivityTask for " + name + " failed: ${exception.message}; "
                                + "polling again in {{pipeline.sfn.poll-error-delay}}")
                        .process(e -> Thread.sleep(pollErrorDelayMillis))
                    .end()
                    .setHeader(StepFunctions2Constants.ACTIVITY_ARN, constant(activity.getValue()))
                    .to(String.format(SFN, name, "getActivityTask"))
                    .filter(simple("${body.taskToken} != null"))
                        .process(e -> tasks.run(name, e.getMessage().getBody(GetActivityTaskResponse.class), step));
        }
    }
}
