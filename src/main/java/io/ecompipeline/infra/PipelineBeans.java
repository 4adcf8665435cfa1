package io.ecompipeline.infra;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.ecompipeline.common.S3Objects;
import io.ecompipeline.common.Settings;
import io.ecompipeline.common.StartupException;
import io.ecompipeline.ingest.ArrivalRegistrar;
import io.ecompipeline.ingest.BatchCompletion;
import io.ecompipeline.ingest.BatchEvents;
import io.ecompipeline.ingest.BatchFinisher;
import io.ecompipeline.ingest.BatchManifestAggregation;
import io.ecompipeline.ingest.StrandedArrivalRoutes;
import io.ecompipeline.ingest.StrandedArrivals;
import io.ecompipeline.kpi.KpiItems;
import io.ecompipeline.kpi.KpiQueryPlan;
import io.ecompipeline.kpi.KpiTableWriter;
import io.ecompipeline.observe.ObservabilityBeans;
import io.ecompipeline.observe.PipelineMetrics;
import io.ecompipeline.orchestrate.BatchFailures;
import io.ecompipeline.orchestrate.CollectorLeadership;
import io.ecompipeline.orchestrate.LocalOrchestratorRoutes;
import io.ecompipeline.orchestrate.PendingBatches;
import io.ecompipeline.orchestrate.ProcessingLock;
import io.ecompipeline.orchestrate.stepfunctions.ActivityPolls;
import io.ecompipeline.orchestrate.stepfunctions.ActivityTasks;
import io.ecompipeline.orchestrate.stepfunctions.IngestExecutions;
import io.ecompipeline.orchestrate.stepfunctions.StepFunctionsResources;
import io.ecompipeline.orchestrate.stepfunctions.StepFunctionsRoutes;
import io.ecompipeline.orchestrate.stepfunctions.WorkerSteps;
import io.ecompipeline.routes.RoutesFolderReloader;
import io.ecompipeline.state.BatchStore;
import io.ecompipeline.state.StateApplier;
import io.ecompipeline.validate.BatchRules;
import io.ecompipeline.validate.FileValidator;
import io.ecompipeline.validate.RejectedRowFiles;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.processor.aggregate.jdbc.JdbcAggregationRepository;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Creates the clients and beans the routes use, from the {@code pipeline.*} configuration, checks that S3, DynamoDB
 * and PostgreSQL answer (a clear error at start-up beats a stuck poller), and applies the database schema.
 */
public class PipelineBeans implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineBeans.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = new Settings(context);
        Registry registry = context.getRegistry();
        String routesDir = settings.optional("pipeline.routes.dir");
        if (routesDir != null) {
            RoutesFolderReloader reloader = new RoutesFolderReloader(java.nio.file.Path.of(routesDir),
                    settings.getDuration("pipeline.routes.poll-interval"));
            reloader.snapshot(); // before Camel Main loads the folder's routes
            context.addService(reloader);
        }
        AwsClients aws = new AwsClients(settings);

        String s3Endpoint = settings.optional("pipeline.s3.endpoint");
        String dynamoDbEndpoint = settings.optional("pipeline.dynamodb.endpoint");
        S3Client s3 = aws.s3(s3Endpoint);
        DynamoDbClient dynamoDb = aws.dynamoDb(dynamoDbEndpoint);
        SqsClient sqs = aws.sqs(settings.optional("pipeline.sqs.endpoint"));
        registry.bind("s3Client", s3);
        registry.bind("dynamoDbClient", dynamoDb);
        registry.bind("sqsClient", sqs);

        String bucket = settings.get("pipeline.bucket");
        String orderTable = settings.get("pipeline.dynamodb.order-kpis-table");
        String categoryTable = settings.get("pipeline.dynamodb.category-kpis-table");
        String lockTable = settings.get("pipeline.dynamodb.lock-table");
        String where = s3Endpoint == null ? "AWS region " + settings.get("pipeline.aws.region") : s3Endpoint;
        String dynamoDbWhere = " at " + (dynamoDbEndpoint == null ? "AWS" : dynamoDbEndpoint);
        String sqsWhere = " at " + Objects.requireNonNullElse(settings.optional("pipeline.sqs.endpoint"), "AWS");
        // the checks (or creations) run concurrently: start-up waits for the slowest, not for their sum
        StartupChecks checks = new StartupChecks();
        if (settings.getBoolean("pipeline.provision-resources")) {
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
        } else {
            checks.start("S3 bucket " + bucket + " at " + where, () -> s3.headBucket(b -> b.bucket(bucket)));
            for (String table : List.of(orderTable, categoryTable, lockTable)) {
                checks.start("DynamoDB table " + table + dynamoDbWhere,
                        () -> dynamoDb.describeTable(b -> b.tableName(table)));
            }
        }
        checks.await();

        HikariDataSource dataSource = dataSource(settings);
        applySchema(dataSource);
        registry.bind("dataSource", dataSource);
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                dataSource.close();
            }
        });

        JdbcAggregationRepository collector = new JdbcAggregationRepository(
                new DataSourceTransactionManager(dataSource), "batch_collector", dataSource);
        // a closed batch is recorded in pipeline.batches at once and PendingBatches retries it from there; recovery only
        // redelivers a batch that closed but was not recorded (a crash in between): recording it again is idempotent
        collector.setUseRecovery(true);
        collector.setRecoveryInterval(settings.getMillis("pipeline.batch.retry-interval"));
        registry.bind("batchCollectorRepository", collector);

        String incoming = settings.get("pipeline.prefix.incoming");
        String collected = settings.get("pipeline.prefix.collected");
        Duration lease = settings.getDuration("pipeline.lock.lease");
        Duration renewEvery = settings.getDuration("pipeline.lock.renew-every");
        ProcessingLock processingLock = new ProcessingLock(dynamoDb, lockTable, ProcessingLock.PROCESSING, lease,
                renewEvery);
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                processingLock.shutdown();
            }
        });
        CollectorLeadership collectorLeadership = new CollectorLeadership(
                new ProcessingLock(dynamoDb, lockTable, ProcessingLock.COLLECTOR, lease, renewEvery), renewEvery);
        S3Objects objects = new S3Objects(s3, bucket);
        BatchStore batches = new BatchStore(dataSource);

        // ingest: arrival and collection
        registry.bind("s3Objects", objects);
        registry.bind("batchStore", batches);
        registry.bind("collectorLeadership", collectorLeadership);
        BatchCompletion completion = new BatchCompletion(settings.getInt("pipeline.batch.min-order-files"),
                settings.getInt("pipeline.batch.min-item-files"), settings.getMillis("pipeline.batch.force-after"),
                batches::catalogKnown, () -> collector.getKeys().contains(BatchCompletion.OPEN_BATCH));
        registry.bind("arrivals", new ArrivalRegistrar(objects, incoming, collected,
                settings.get("pipeline.prefix.quarantine"), () -> {
                    completion.arrivalSetAside();
                    ObservabilityBeans.metrics(context).arrivalFailed();
                }));
        registry.bind("batchManifestAggregation", new BatchManifestAggregation());
        registry.bind("batchCompletion", completion);
        ObservabilityBeans.metrics(context).openBatch(completion::openFiles, completion::openSince,
                settings.getDuration("pipeline.batch.force-after"));
        registry.bind("strandedArrivals", new StrandedArrivals(context, objects, dataSource, collector, incoming,
                collected, settings.getDuration("pipeline.recovery.stranded-after"), collectorLeadership::isLeader));
        context.addRoutes(new StrandedArrivalRoutes());

        // the batch steps
        String maxShare = settings.optional("pipeline.validation.max-rejected-share");
        int threads = settings.getInt("pipeline.validation.threads");
        registry.bind("validationPool", context.getExecutorServiceManager().newFixedThreadPool(this, "validate-file",
                threads > 0 ? threads : Runtime.getRuntime().availableProcessors()));
        registry.bind("kpiWritePool", context.getExecutorServiceManager().newFixedThreadPool(this, "write-kpis",
                settings.getInt("pipeline.dynamodb.writers")));
        registry.bind("fileValidator", new FileValidator(context, dataSource, objects, batches,
                settings.getInt("pipeline.validation.max-raw-chars"),
                settings.getInt("pipeline.validation.max-field-chars"), settings.getMillis("pipeline.progress-every")));
        registry.bind("batchRules", new BatchRules(dataSource, batches, incoming, settings.get("pipeline.prefix.rejected"),
                maxShare == null ? null : Double.valueOf(maxShare)));
        registry.bind("rejectedRowFiles", new RejectedRowFiles(dataSource, objects, batches,
                settings.getInt("pipeline.validation.max-raw-chars")));
        registry.bind("stateApplier", new StateApplier(dataSource, settings.getInt("pipeline.report.moved-order-examples")));
        PipelineMetrics metrics = ObservabilityBeans.metrics(context);
        registry.bind("kpiItems", new KpiItems(dataSource));
        metrics.kpiTables(settings.get("pipeline.dynamodb.order-kpis-table"),
                settings.get("pipeline.dynamodb.category-kpis-table"));
        registry.bind("freshness", new io.ecompipeline.observe.Freshness(dataSource, metrics));
        registry.bind("kpiQueryPlan", new KpiQueryPlan(dataSource,
                Double.parseDouble(settings.get("pipeline.kpi.per-order-max-share"))));
        registry.bind("kpiTableWriter", new KpiTableWriter(dynamoDb,
                settings.getInt("pipeline.dynamodb.max-write-attempts"), metrics));
        registry.bind("batchFinisher", new BatchFinisher(objects, batches, incoming, collected,
                settings.get("pipeline.prefix.archive"), settings.get("pipeline.prefix.quarantine"),
                settings.get("pipeline.prefix.reports"), metrics));
        BatchEvents events = new BatchEvents(metrics);
        registry.bind("batchEvents", events);
        registry.bind("batchFailures", new BatchFailures(batches, events));

        // the orchestrator: pendingBatches runs closed batches here, or starts their Step Functions executions
        registry.bind("processingLock", processingLock);
        String orchestrator = settings.get("pipeline.orchestrator");
        if ("stepfunctions".equals(orchestrator)) {
            stepFunctions(context, settings, aws, sqs, batches, lockTable);
        } else if ("local".equals(orchestrator)) {
            registry.bind("pendingBatches", new PendingBatches(processingLock, batches,
                    settings.getDuration("pipeline.batch.retry-interval"), settings.getInt("pipeline.batch.max-attempts"),
                    metrics));
        } else {
            throw new StartupException("pipeline.orchestrator must be local or stepfunctions, not " + orchestrator, null);
        }
        context.addRoutes(new LocalOrchestratorRoutes());
    }

    /**
     * Step Functions mode (README "Step Functions mode"): finds (or, when provisioning, creates) the activities and
     * state machines, binds the execution starter as {@code pendingBatches} and adds the activity worker routes.
     */
    private static void stepFunctions(CamelContext context, Settings settings, AwsClients aws, SqsClient sqs,
            BatchStore batches, String lockTable) throws Exception {
        String endpoint = settings.optional("pipeline.sfn.endpoint");
        SfnClient sfn = aws.sfn(endpoint);
        context.getRegistry().bind("sfnClient", sfn);
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                sfn.close();
            }
        });
        StepFunctionsResources resources = new StepFunctionsResources(sfn);
        Map<String, String> names = new LinkedHashMap<>();
        for (String activity : List.of("validate-file", "validate-apply", "compute-kpis", "finish-batch", "generate")) {
            names.put(activity, settings.get("pipeline.sfn.activity." + activity));
        }
        String ingestMachine = settings.get("pipeline.sfn.ingest-state-machine");
        String generationMachine = settings.get("pipeline.sfn.generation-state-machine");
        Map<String, String> arns = new LinkedHashMap<>();
        String[] ingestArn = new String[1];
        String where = "Step Functions at " + (endpoint == null ? "AWS" : endpoint);
        if (settings.getBoolean("pipeline.provision-resources")) {
            StartupChecks.run(where, () -> {
                Map<String, String> created = resources.createActivities(List.copyOf(names.values()));
                names.forEach((key, name) -> arns.put(name, created.get(name)));
                String anyActivity = created.values().iterator().next();
                String role = settings.optional("pipeline.sfn.role-arn");
                if (role == null) {
                    role = "arn:aws:iam::" + StepFunctionsResources.account(anyActivity) + ":role/ecom-pipeline-sfn";
                }
                Map<String, String> placeholders = Map.of(
                        "ActivityArnPrefix", StepFunctionsResources.activityArnPrefix(anyActivity),
                        "LockTable", lockTable,
                        "AlertsQueueUrl", sqs.getQueueUrl(b -> b.queueName(settings.get("pipeline.sqs.alerts-queue")))
                                .queueUrl());
                ingestArn[0] = resources.createStateMachine(ingestMachine, "asl/ingest-batch.asl.json", placeholders,
                        role);
                resources.createStateMachine(generationMachine, "asl/daily-generation.asl.json", placeholders, role);
            });
        } else {
            StartupChecks.run(where, () -> {
                arns.putAll(resources.activityArns(names.values()));
                ingestArn[0] = resources.stateMachineArn(ingestMachine);
            });
        }

        ProducerTemplate producer = context.createProducerTemplate();
        IngestExecutions executions = new IngestExecutions(producer, batches, ingestArn[0],
                settings.getDuration("pipeline.sfn.lock-expiry"), settings.getInt("pipeline.sfn.validate-max-concurrency"));
        context.getRegistry().bind("ingestExecutions", executions);
        WorkerSteps steps = new WorkerSteps(context, producer, batches,
                context.getRegistry().lookupByNameAndType("batchEvents", BatchEvents.class), () -> {
                    try {
                        executions.runPending();
                    } catch (Exception e) {
                        LOG.warn("Could not start the next batch's execution (retried in retry-interval): {}",
                                e.getMessage());
                    }
                });
        Map<String, ActivityTasks.Step> byName = new LinkedHashMap<>();
        byName.put(names.get("validate-file"), steps::validateFile);
        byName.put(names.get("validate-apply"), steps::validateApply);
        byName.put(names.get("compute-kpis"), steps::computeKpis);
        byName.put(names.get("finish-batch"), steps::finishBatch);
        byName.put(names.get("generate"), steps::generate);
        ActivityTasks tasks = new ActivityTasks(context, sfn, settings.getDuration("pipeline.sfn.heartbeat-interval"));
        context.addService(tasks);
        // the long polls on a client of their own, closed as the application begins to stop (ends the open polls)
        ActivityPolls polls = new ActivityPolls(aws.sfn(endpoint));
        context.getRegistry().bind("sfnPollClient", polls.client());
        polls.install(context);
        // every instance validates as many files of a batch at once as local mode does (pipeline.validation.threads)
        int threads = settings.getInt("pipeline.validation.threads");
        Map<String, Integer> workers = Map.of(names.get("validate-file"),
                threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
        // pid@host: the container (task or pod) that ran each task, in the executions' histories
        String workerName = ManagementFactory.getRuntimeMXBean().getName();
        context.addRoutes(new StepFunctionsRoutes(arns, byName, workers, workerName, tasks, polls,
                settings.getMillis("pipeline.sfn.poll-error-delay")));
        LOG.info("Orchestrator: Step Functions ({}), state machine {}", where, ingestArn[0]);
    }

    private static HikariDataSource dataSource(Settings settings) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("pipeline");
        config.setJdbcUrl(settings.get("pipeline.jdbc.url"));
        // named, not looked up in DriverManager: under `camel run` the driver sits in a child class loader that
        // DriverManager does not search
        config.setDriverClassName("org.postgresql.Driver");
        config.setUsername(settings.optional("pipeline.jdbc.user"));
        config.setPassword(settings.optional("pipeline.jdbc.password"));
        config.setMaximumPoolSize(settings.getInt("pipeline.jdbc.pool-size"));
        config.setConnectionTimeout(10_000);
        // unqualified names (Camel's aggregation repository tables) resolve in the pipeline schema
        config.setSchema("pipeline");
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        String workMem = settings.optional("pipeline.jdbc.work-mem");
        if (workMem != null) {
            if (!workMem.matches("\\d+\\s*(kB|MB|GB)")) {
                throw new StartupException("pipeline.jdbc.work-mem must be like 64MB, not " + workMem, null);
            }
            // the batch rules, apply and KPI queries hash and sort a whole batch: in memory, not on disk
            config.setConnectionInitSql("SET work_mem = '" + workMem + "'");
        }
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StartupException("Cannot reach PostgreSQL at " + settings.get("pipeline.jdbc.url") + ": "
                    + StartupChecks.rootMessage(e), e);
        }
    }

    /** Applies schema.sql under an advisory lock, so two instances starting together do not race. */
    private static void applySchema(DataSource dataSource) throws SQLException, IOException {
        String schema;
        try (InputStream in = PipelineBeans.class.getResourceAsStream("/sql/schema.sql")) {
            schema = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("SELECT pg_advisory_xact_lock(4242001)");
            for (String statement : schema.split(";\\s*\\n")) {
                String sql = statement.lines().filter(l -> !l.trim().startsWith("--")).reduce("", (a, b) -> a + "\n" + b);
                if (!sql.isBlank()) {
                    s.execute(sql);
                }
            }
            c.commit();
        }
        LOG.info("Database schema 'pipeline' ready");
    }
}
