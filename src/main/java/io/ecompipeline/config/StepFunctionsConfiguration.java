package io.ecompipeline.config;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.ecompipeline.common.Settings;
import io.ecompipeline.infra.AwsClients;
import io.ecompipeline.ingest.BatchEvents;
import io.ecompipeline.orchestrate.stepfunctions.ActivityPolls;
import io.ecompipeline.orchestrate.stepfunctions.ActivityTasks;
import io.ecompipeline.orchestrate.stepfunctions.IngestExecutions;
import io.ecompipeline.orchestrate.stepfunctions.StepFunctionsRoutes;
import io.ecompipeline.orchestrate.stepfunctions.WorkerSteps;
import io.ecompipeline.state.BatchStore;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.apache.camel.spi.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * Step Functions mode ({@code pipeline.orchestrator=stepfunctions}, docs/step-functions.md): a closed batch
 * starts an execution of the ingest state machine (ingestExecutions, the start-executions route), and this instance
 * works the state machines' activities (the activity worker routes). The activities and state machines themselves
 * are found, or created, by StartupConfiguration.
 */
@Configuration
public class StepFunctionsConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(StepFunctionsConfiguration.class);

    @BindToRegistry(lazy = true)
    public IngestExecutions ingestExecutions(CamelContext context, @BeanInject("batchStore") BatchStore batches,
            @BeanInject("stepFunctionsArns") StepFunctionsArns sfn,
            @PropertyInject("pipeline.sfn.lock-expiry") Duration lockExpiry,
            @PropertyInject("pipeline.sfn.validate-max-concurrency") int validateMaxConcurrency) {
        return new IngestExecutions(context.createProducerTemplate(), batches, sfn.ingestStateMachine(), lockExpiry,
                validateMaxConcurrency);
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = new Settings(context);
        if (!"stepfunctions".equals(settings.get("pipeline.orchestrator"))) {
            return;
        }
        Registry registry = context.getRegistry();
        StepFunctionsArns sfn = registry.lookupByNameAndType("stepFunctionsArns", StepFunctionsArns.class);
        ActivityTasks tasks = new ActivityTasks(context, registry.lookupByNameAndType("sfnClient", SfnClient.class),
                settings.getDuration("pipeline.sfn.heartbeat-interval"));
        context.addService(tasks);
        // the long polls on a client of their own, closed as the application begins to stop (ends the open polls)
        ActivityPolls polls = new ActivityPolls(registry.lookupByNameAndType("awsClients", AwsClients.class)
                .sfn(settings.optional("pipeline.sfn.endpoint")));
        registry.bind("sfnPollClient", polls.client());
        polls.install(context);
        // every instance validates as many files of a batch at once as local mode does (pipeline.validation.threads)
        Map<String, Integer> workers = Map.of(sfn.activityNames().get("validate-file"),
                BatchConfiguration.validationThreads(settings.getInt("pipeline.validation.threads")));
        // pid@host: the container (task or pod) that ran each task, in the executions' histories
        String workerName = ManagementFactory.getRuntimeMXBean().getName();
        context.addRoutes(new StepFunctionsRoutes(
                new StepFunctionsRoutes.Activities(sfn.activityArns(), steps(context, sfn), workers), workerName,
                tasks, polls, settings.getMillis("pipeline.sfn.poll-error-delay")));
        LOG.info("Orchestrator: Step Functions ({}), state machine {}", sfn.where(), sfn.ingestStateMachine());
    }

    /** The step each activity runs, by activity name. */
    private static Map<String, ActivityTasks.Step> steps(CamelContext context, StepFunctionsArns sfn) {
        Registry registry = context.getRegistry();
        IngestExecutions executions = registry.lookupByNameAndType("ingestExecutions", IngestExecutions.class);
        WorkerSteps steps = new WorkerSteps(context, context.createProducerTemplate(),
                registry.lookupByNameAndType("batchStore", BatchStore.class),
                registry.lookupByNameAndType("batchEvents", BatchEvents.class), () -> {
                    try {
                        executions.runPending();
                    } catch (Exception e) {
                        LOG.warn("Could not start the next batch's execution (retried in retry-interval): {}",
                                e.getMessage());
                    }
                });
        Map<String, String> names = sfn.activityNames();
        Map<String, ActivityTasks.Step> byName = new LinkedHashMap<>();
        byName.put(names.get("validate-file"), steps::validateFile);
        byName.put(names.get("validate-apply"), steps::validateApply);
        byName.put(names.get("compute-kpis"), steps::computeKpis);
        byName.put(names.get("curate-batch"), steps::curateBatch);
        byName.put(names.get("finish-batch"), steps::finishBatch);
        byName.put(names.get("generate"), steps::generate);
        return byName;
    }
}
