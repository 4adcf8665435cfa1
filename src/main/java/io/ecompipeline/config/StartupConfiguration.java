package io.ecompipeline.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.ecompipeline.common.Settings;
import io.ecompipeline.common.StartupException;
import io.ecompipeline.infra.Provisioner;
import io.ecompipeline.infra.StartupChecks;
import io.ecompipeline.orchestrate.stepfunctions.StepFunctionsResources;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The start-up checks, in one place, before any route starts: that S3, DynamoDB and SQS answer and have the bucket,
 * tables and queues (the arrival queue in {@code pipeline.arrival=events}) (created when {@code pipeline.provision-resources} is on), then that PostgreSQL answers (its
 * schema applied), then the orchestrator and, in Step Functions mode, its activities and state machines. A clear
 * error at start-up beats a stuck poller. First in {@code camel.main.configuration-classes}, so that these checks
 * run before another configuration class uses a service.
 */
@Configuration
public class StartupConfiguration implements CamelConfiguration {

    private static final List<String> ACTIVITIES = List.of("validate-file", "validate-apply", "compute-kpis",
            "curate-batch", "finish-batch", "generate");

    @Override
    public void configure(CamelContext context) {
        Settings settings = new Settings(context);
        String arrival = settings.get("pipeline.arrival");
        if (!"poll".equals(arrival) && !"events".equals(arrival)) {
            throw new StartupException("pipeline.arrival must be poll or events, not " + arrival, null);
        }
        ServiceChecks.of(context, settings).run(settings.getBoolean("pipeline.provision-resources"));
        create(context, "dataSource", DataSource.class);
        String orchestrator = settings.get("pipeline.orchestrator");
        if ("stepfunctions".equals(orchestrator)) {
            create(context, "stepFunctionsArns", StepFunctionsArns.class);
        } else if (!"local".equals(orchestrator)) {
            throw new StartupException("pipeline.orchestrator must be local or stepfunctions, not " + orchestrator, null);
        }
    }

    /** Creates a lazy bean now; the start-up failure it met, as it was thrown (not wrapped by the registry). */
    private static <T> T create(CamelContext context, String name, Class<T> type) {
        try {
            return context.getRegistry().lookupByNameAndType(name, type);
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof StartupException startup) {
                    throw startup;
                }
            }
            throw e;
        }
    }

    /**
     * Step Functions mode (docs/step-functions.md): the activities and state machines, found by name, or created
     * from asl/ when provisioning.
     */
    @BindToRegistry(lazy = true)
    public StepFunctionsArns stepFunctionsArns(CamelContext context, @BeanInject("sfnClient") SfnClient sfn,
            @BeanInject("sqsClient") SqsClient sqs, @PropertyInject("pipeline.sfn.endpoint") String endpoint) {
        Settings settings = new Settings(context);
        Map<String, String> names = new LinkedHashMap<>();
        for (String activity : ACTIVITIES) {
            names.put(activity, settings.get("pipeline.sfn.activity." + activity));
        }
        StepFunctionsResources resources = new StepFunctionsResources(sfn);
        String where = "Step Functions at " + (Settings.orNull(endpoint) == null ? "AWS" : endpoint.trim());
        Map<String, String> arns = new LinkedHashMap<>();
        String[] ingestArn = new String[1];
        String ingestMachine = settings.get("pipeline.sfn.ingest-state-machine");
        if (settings.getBoolean("pipeline.provision-resources")) {
            StartupChecks.run(where, () -> {
                arns.putAll(resources.createActivities(List.copyOf(names.values())));
                ingestArn[0] = createStateMachines(settings, resources, sqs, arns.values().iterator().next());
            });
        } else {
            StartupChecks.run(where, () -> {
                arns.putAll(resources.activityArns(names.values()));
                ingestArn[0] = resources.stateMachineArn(ingestMachine);
            });
        }
        return new StepFunctionsArns(names, arns, ingestArn[0], where);
    }

    /** Creates (or updates) the two state machines from asl/; returns the ingest state machine's ARN. */
    private static String createStateMachines(Settings settings, StepFunctionsResources resources, SqsClient sqs,
            String anyActivity) {
        String role = settings.optional("pipeline.sfn.role-arn");
        if (role == null) {
            role = "arn:aws:iam::" + StepFunctionsResources.account(anyActivity) + ":role/ecom-pipeline-sfn";
        }
        Map<String, String> placeholders = Map.of(
                "ActivityArnPrefix", StepFunctionsResources.activityArnPrefix(anyActivity),
                "LockTable", settings.get("pipeline.dynamodb.lock-table"),
                "AlertsQueueUrl", sqs.getQueueUrl(b -> b.queueName(settings.get("pipeline.sqs.alerts-queue")))
                        .queueUrl());
        String ingestArn = resources.createStateMachine(settings.get("pipeline.sfn.ingest-state-machine"),
                "asl/ingest-batch.asl.json", placeholders, role);
        resources.createStateMachine(settings.get("pipeline.sfn.generation-state-machine"),
                "asl/daily-generation.asl.json", placeholders, role);
        return ingestArn;
    }

    /**
     * The checks (or creations) of the bucket, tables and queues. They run concurrently: start-up waits for the
     * slowest, not for their sum.
     */
    private record ServiceChecks(Settings settings, S3Client s3, DynamoDbClient dynamoDb, SqsClient sqs) {

        static ServiceChecks of(CamelContext context, Settings settings) {
            var registry = context.getRegistry();
            return new ServiceChecks(settings, registry.lookupByNameAndType("s3Client", S3Client.class),
                    registry.lookupByNameAndType("dynamoDbClient", DynamoDbClient.class),
                    registry.lookupByNameAndType("sqsClient", SqsClient.class));
        }

        void run(boolean provision) {
            String bucket = settings.get("pipeline.bucket");
            String s3Endpoint = settings.optional("pipeline.s3.endpoint");
            String where = s3Endpoint == null ? "AWS region " + settings.get("pipeline.aws.region") : s3Endpoint;
            String dynamoDbWhere = " at " + orAws(settings.optional("pipeline.dynamodb.endpoint"));
            String sqsWhere = " at " + orAws(settings.optional("pipeline.sqs.endpoint"));
            String orderTable = settings.get("pipeline.dynamodb.order-kpis-table");
            String categoryTable = settings.get("pipeline.dynamodb.category-kpis-table");
            String lockTable = settings.get("pipeline.dynamodb.lock-table");
            // the S3 notifications' queue (pipeline.arrival=events)
            String arrivalQueue = "events".equals(settings.get("pipeline.arrival"))
                    ? settings.get("pipeline.arrival.queue") : null;
            StartupChecks checks = new StartupChecks();
            if (provision) {
                checks.start("S3 bucket " + bucket + " at " + where, () -> Provisioner.bucket(s3, bucket));
                checks.start("DynamoDB table " + orderTable + dynamoDbWhere,
                        () -> Provisioner.table(dynamoDb, orderTable, "order_date", null));
                checks.start("DynamoDB table " + categoryTable + dynamoDbWhere,
                        () -> Provisioner.table(dynamoDb, categoryTable, "category", "order_date"));
                checks.start("DynamoDB table " + lockTable + dynamoDbWhere,
                        () -> Provisioner.table(dynamoDb, lockTable, "lock_id", null));
                for (String queue : List.of(settings.get("pipeline.sqs.dead-letter-queue"),
                        settings.get("pipeline.sqs.alerts-queue"))) {
                    checks.start("SQS queue " + queue + sqsWhere, () -> Provisioner.queue(sqs, queue));
                }
                if (arrivalQueue != null) {
                    checks.start("SQS queue " + arrivalQueue + sqsWhere, () -> Provisioner.queue(sqs, arrivalQueue));
                }
            } else {
                checks.start("S3 bucket " + bucket + " at " + where, () -> s3.headBucket(b -> b.bucket(bucket)));
                for (String table : List.of(orderTable, categoryTable, lockTable)) {
                    checks.start("DynamoDB table " + table + dynamoDbWhere,
                            () -> dynamoDb.describeTable(b -> b.tableName(table)));
                }
                if (arrivalQueue != null) {
                    checks.start("SQS queue " + arrivalQueue + sqsWhere,
                            () -> sqs.getQueueUrl(b -> b.queueName(arrivalQueue)));
                }
            }
            checks.await();
        }

        private static String orAws(String endpoint) {
            return endpoint == null ? "AWS" : endpoint;
        }
    }
}
