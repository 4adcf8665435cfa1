package io.ecompipeline.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The deployment artefacts (Dockerfile, ecs-task-def.json, deploy/iam/, k8s/) parse, and say the same names as the
 * application: every setting they pass exists, the resources the IAM policies grant are the configured ones, the
 * health checks and probes hit the management server's paths and port, and the routes ConfigMap holds the bundled
 * routes. Nothing here needs Docker or a cluster: the image itself cannot be built on this machine.
 */
@Tag("unit")
class DeploymentArtefactsTest {

    /** A worker's GetActivityTask long poll (60 s) is never cut, so Step Functions mode needs a longer shutdown. */
    private static final int LONGEST_POLL_SECONDS = 65;

    /** Health endpoints of the management server (docs/operating.md "Health and metrics"). */
    private static final String LIVE = "/observe/health/live";
    private static final String READY = "/observe/health/ready";

    /** The placeholders docs/deploying-aws.md says to substitute (and nothing else may look like one). */
    private static final Set<String> PLACEHOLDERS = Set.of("AccountId", "Region", "ImageUri", "DbHost", "DbSecretArn", "OidcProvider",
            "Bucket");

    /** Measured peak heap of generating 540 days (docs/generator.md "Benchmark"): the container's heap must hold it. */
    private static final long MEASURED_PEAK_HEAP_MB = 470;

    /** Actions IAM cannot scope to a resource, so "*" is the only way to grant them. */
    private static final Set<String> RESOURCELESS_ACTIONS = Set.of("states:SendTaskSuccess", "states:SendTaskFailure",
            "states:SendTaskHeartbeat", "states:ListStateMachines", "states:ListActivities", "ecr:GetAuthorizationToken");

    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final Map<String, String> settings = settings();

    @Test
    void everySettingPassedToTheContainerIsOneTheAppReads() throws Exception {
        Map<String, String> env = new TreeMap<>();
        env.putAll(taskDefEnvironment());
        env.putAll(k8sEnvironment());
        env.putAll(dockerfileEnv());
        taskDefSecrets().forEach(name -> env.put(name, null));
        k8sSecretEnvNames().forEach(name -> env.put(name, null));

        Map<String, String> byEnvName = new HashMap<>();
        settings.keySet().forEach(key -> byEnvName.put(envName(key), key));
        for (String name : env.keySet()) {
            if (name.equals("JAVA_OPTS")) {
                continue;
            }
            assertThat(byEnvName).as("%s is the environment variable of no configuration key", name).containsKey(name);
        }
        assertThat(taskDefSecrets()).containsExactlyInAnyOrder("PIPELINE_JDBC_PASSWORD", "PIPELINE_MANAGEMENT_PASSWORD");
        assertThat(k8sSecretEnvNames()).containsExactlyInAnyOrderElementsOf(taskDefSecrets());
        // ECS and Kubernetes run the same configuration
        assertThat(k8sEnvironment()).isEqualTo(taskDefEnvironment());
    }

    @Test
    void resourceNamesInTheSettingsAreTheConfiguredDefaults() throws Exception {
        Map<String, String> env = taskDefEnvironment();
        // the bucket is every deployment's own (names are global): a placeholder, filled as docs/deploying-aws.md says
        assertThat(env.get("PIPELINE_BUCKET")).isEqualTo("${Bucket}");
        for (String key : List.of("pipeline.dynamodb.order-kpis-table",
                "pipeline.dynamodb.category-kpis-table", "pipeline.dynamodb.lock-table", "pipeline.sqs.dead-letter-queue",
                "pipeline.sqs.alerts-queue", "pipeline.arrival", "pipeline.arrival.queue",
                "pipeline.arrival.reconcile-interval", "pipeline.sfn.ingest-state-machine", "pipeline.sfn.generation-state-machine",
                "pipeline.sfn.activity.validate-file", "pipeline.sfn.activity.validate-apply",
                "pipeline.sfn.activity.compute-kpis", "pipeline.sfn.activity.curate-batch",
                "pipeline.sfn.activity.finish-batch", "pipeline.sfn.activity.generate")) {
            assertThat(env.get(envName(key))).as(key).isEqualTo(settings.get(key));
        }
        assertThat(env.get("PIPELINE_ORCHESTRATOR")).isEqualTo("stepfunctions");
        assertThat(env).doesNotContainKeys("PIPELINE_S3_ENDPOINT", "PIPELINE_DYNAMODB_ENDPOINT", "PIPELINE_SQS_ENDPOINT",
                "PIPELINE_SFN_ENDPOINT", "PIPELINE_AWS_ACCESS_KEY", "PIPELINE_AWS_SECRET_KEY");
    }

    @Test
    void theTaskRoleGrantsTheConfiguredResourcesAndNoOthers() throws Exception {
        Map<String, Set<String>> grants = grants("task-role-policy.json");
        String bucket = "${Bucket}";
        String region = "${Region}:${AccountId}";

        assertThat(grants.get("arn:aws:s3:::" + bucket)).contains("s3:ListBucket");
        for (String prefixKey : List.of("incoming", "collected", "archive", "quarantine", "rejected", "reports")) {
            String objects = "arn:aws:s3:::" + bucket + "/" + settings.get("pipeline.prefix." + prefixKey) + "*";
            assertThat(grants.get(objects)).as(objects).contains("s3:GetObject", "s3:PutObject");
            // files are moved out of incoming/ and collected/ (copy, verify, delete); the rest is never deleted
            if (prefixKey.equals("incoming") || prefixKey.equals("collected")) {
                assertThat(grants.get(objects)).as(objects).contains("s3:DeleteObject");
            } else {
                assertThat(grants.get(objects)).as(objects).doesNotContain("s3:DeleteObject");
            }
        }
        // the curated zone's partitions are replaced, and a date left without rows has its file deleted
        String curated = "arn:aws:s3:::" + bucket + "/" + settings.get("pipeline.prefix.curated") + "*";
        assertThat(grants.get(curated)).as(curated).contains("s3:GetObject", "s3:PutObject", "s3:DeleteObject");
        for (String key : List.of("pipeline.dynamodb.order-kpis-table", "pipeline.dynamodb.category-kpis-table")) {
            assertThat(grants.get("arn:aws:dynamodb:" + region + ":table/" + settings.get(key)))
                    .as(key).contains("dynamodb:DescribeTable", "dynamodb:BatchWriteItem", "dynamodb:Scan");
        }
        assertThat(grants.get("arn:aws:dynamodb:" + region + ":table/" + settings.get("pipeline.dynamodb.lock-table")))
                .contains("dynamodb:DescribeTable", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem");
        for (String key : List.of("pipeline.sqs.dead-letter-queue", "pipeline.sqs.alerts-queue")) {
            assertThat(grants.get("arn:aws:sqs:" + region + ":" + settings.get(key))).as(key).contains("sqs:SendMessage");
        }
        // pipeline.arrival=events: the S3 notifications are received, and deleted once their arrivals are durable
        assertThat(grants.get("arn:aws:sqs:" + region + ":" + settings.get("pipeline.arrival.queue")))
                .containsExactlyInAnyOrder("sqs:GetQueueUrl", "sqs:GetQueueAttributes", "sqs:ReceiveMessage",
                        "sqs:DeleteMessage", "sqs:ChangeMessageVisibility");
        for (String key : List.of("validate-file", "validate-apply", "compute-kpis", "curate-batch", "finish-batch", "generate")) {
            String activity = "arn:aws:states:" + region + ":activity:" + settings.get("pipeline.sfn.activity." + key);
            assertThat(grants.get(activity)).as(activity).containsExactly("states:GetActivityTask");
        }
        for (String key : List.of("pipeline.sfn.ingest-state-machine", "pipeline.sfn.generation-state-machine")) {
            String name = settings.get(key);
            assertThat(grants.get("arn:aws:states:" + region + ":stateMachine:" + name)).contains("states:StartExecution");
            assertThat(grants.get("arn:aws:states:" + region + ":execution:" + name + ":*"))
                    .contains("states:DescribeExecution");
        }
        assertThat(grants.get("*")).contains("states:SendTaskSuccess", "states:SendTaskFailure",
                "states:SendTaskHeartbeat", "states:ListStateMachines", "states:ListActivities");

        // least privilege: every granted resource is one of the configured names above
        Set<String> expected = new TreeSet<>();
        expected.add("*");
        expected.add("arn:aws:s3:::" + bucket);
        grants.keySet().stream().filter(r -> r.startsWith("arn:aws:s3:::" + bucket + "/")).forEach(expected::add);
        Stream.of("order-kpis-table", "category-kpis-table", "lock-table").forEach(k ->
                expected.add("arn:aws:dynamodb:" + region + ":table/" + settings.get("pipeline.dynamodb." + k)));
        Stream.of("dead-letter-queue", "alerts-queue").forEach(k ->
                expected.add("arn:aws:sqs:" + region + ":" + settings.get("pipeline.sqs." + k)));
        expected.add("arn:aws:sqs:" + region + ":" + settings.get("pipeline.arrival.queue"));
        Stream.of("validate-file", "validate-apply", "compute-kpis", "curate-batch", "finish-batch", "generate").forEach(k ->
                expected.add("arn:aws:states:" + region + ":activity:" + settings.get("pipeline.sfn.activity." + k)));
        Stream.of("ingest-state-machine", "generation-state-machine").forEach(k -> {
            expected.add("arn:aws:states:" + region + ":stateMachine:" + settings.get("pipeline.sfn." + k));
            expected.add("arn:aws:states:" + region + ":execution:" + settings.get("pipeline.sfn." + k) + ":*");
        });
        assertThat(grants.keySet()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(grants.keySet().stream().filter(r -> r.startsWith("arn:aws:s3:::" + bucket + "/")))
                .allSatisfy(r -> assertThat(r).matches(Pattern.quote("arn:aws:s3:::" + bucket + "/") + "[a-z]+/\\*"));
    }

    @Test
    void theStateMachineAndSchedulerRolesReachOnlyTheirResources() throws Exception {
        String region = "${Region}:${AccountId}";
        assertThat(grants("state-machine-role-policy.json")).containsExactlyInAnyOrderEntriesOf(Map.of(
                "arn:aws:dynamodb:" + region + ":table/" + settings.get("pipeline.dynamodb.lock-table"),
                Set.of("dynamodb:UpdateItem", "dynamodb:DeleteItem"),
                "arn:aws:sqs:" + region + ":" + settings.get("pipeline.sqs.alerts-queue"), Set.of("sqs:SendMessage")));
        assertThat(grants("scheduler-role-policy.json")).containsExactlyInAnyOrderEntriesOf(Map.of(
                "arn:aws:states:" + region + ":stateMachine:" + settings.get("pipeline.sfn.generation-state-machine"),
                Set.of("states:StartExecution")));

        assertThat(principals("state-machine-role-trust.json")).containsExactly("states.amazonaws.com");
        assertThat(principals("scheduler-role-trust.json"))
                .containsExactlyInAnyOrder("events.amazonaws.com", "scheduler.amazonaws.com");
        assertThat(principals("task-role-trust-ecs.json")).containsExactly("ecs-tasks.amazonaws.com");
        assertThat(principals("execution-role-trust.json")).containsExactly("ecs-tasks.amazonaws.com");

        // the EKS trust names the service account the Deployment runs as
        Map<String, Object> account = k8sObject("ServiceAccount");
        String subject = "system:serviceaccount:" + meta(account, "namespace") + ":" + meta(account, "name");
        assertThat(JSON.readTree(ROOT.resolve("deploy/iam/task-role-trust-eks.json").toFile()).toString()).contains(subject);
        assertThat(path(k8sObject("Deployment"), "spec", "template", "spec", "serviceAccountName"))
                .isEqualTo(meta(account, "name"));
        assertThat(((Map<?, ?>) path(account, "metadata", "annotations")).get("eks.amazonaws.com/role-arn"))
                .isEqualTo(JSON.readTree(ROOT.resolve("ecs-task-def.json").toFile()).get("taskRoleArn").asText());
    }

    @Test
    void everyPolicyParsesAndUsesAWildcardResourceOnlyWhereIamOffersNoOther() throws Exception {
        try (Stream<Path> files = Files.list(ROOT.resolve("deploy/iam"))) {
            List<Path> policies = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
            assertThat(policies).hasSizeGreaterThanOrEqualTo(9);
            for (Path file : policies) {
                JsonNode policy = JSON.readTree(file.toFile());
                assertThat(policy.get("Version").asText()).as(file.toString()).isEqualTo("2012-10-17");
                for (JsonNode statement : policy.get("Statement")) {
                    assertThat(statement.get("Effect").asText()).isEqualTo("Allow");
                    if (file.getFileName().toString().contains("trust")) {
                        assertThat(statement.has("Principal")).as(file.toString()).isTrue();
                        continue;
                    }
                    if (texts(statement.get("Resource")).contains("*")) {
                        assertThat(texts(statement.get("Action"))).as(file + " " + statement.get("Sid"))
                                .isSubsetOf(RESOURCELESS_ACTIONS);
                    }
                    assertThat(texts(statement.get("Action"))).noneMatch(a -> a.endsWith("*"));
                }
            }
        }
    }

    @Test
    void healthChecksAndProbesUseTheManagementServer() throws Exception {
        String port = settings.get("pipeline.management.port");
        JsonNode container = JSON.readTree(ROOT.resolve("ecs-task-def.json").toFile()).get("containerDefinitions").get(0);
        assertThat(container.get("portMappings").get(0).get("containerPort").asText()).isEqualTo(port);
        assertThat(String.join(" ", texts(container.get("healthCheck").get("command"))))
                .contains("http://127.0.0.1:" + port + LIVE).startsWith("CMD-SHELL curl ");
        assertThat(taskDefEnvironment().get("PIPELINE_MANAGEMENT_HOST")).isEqualTo("0.0.0.0");

        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        assertThat(dockerfile).containsPattern("(?m)^EXPOSE " + port + "$");
        assertThat(dockerfile).contains(LIVE).containsPattern("apt-get install [^\\n]*curl");

        Map<String, Object> deployment = k8sObject("Deployment");
        Map<?, ?> k8s = (Map<?, ?>) ((List<?>) path(deployment, "spec", "template", "spec", "containers")).get(0);
        Map<?, ?> portSpec = (Map<?, ?>) ((List<?>) k8s.get("ports")).get(0);
        assertThat(String.valueOf(portSpec.get("containerPort"))).isEqualTo(port);
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            Map<?, ?> get = (Map<?, ?>) ((Map<?, ?>) k8s.get(probe)).get("httpGet");
            assertThat(get.get("port")).as(probe).isEqualTo(portSpec.get("name"));
            assertThat(get.get("path")).as(probe).isEqualTo(probe.equals("readinessProbe") ? READY : LIVE);
        }
        Map<?, ?> servicePort = (Map<?, ?>) ((List<?>) path(k8sObject("Service"), "spec", "ports")).get(0);
        assertThat(String.valueOf(servicePort.get("port"))).isEqualTo(port);
        assertThat(servicePort.get("targetPort")).isEqualTo(portSpec.get("name"));
        assertThat(path(k8sObject("Service"), "spec", "selector"))
                .isEqualTo(path(deployment, "spec", "template", "metadata", "labels"));
    }

    @Test
    void aStopLeavesCamelTimeToFinishAStepAndTheHeapHoldsTheMeasuredPeak() throws Exception {
        JsonNode taskDef = JSON.readTree(ROOT.resolve("ecs-task-def.json").toFile());
        JsonNode container = taskDef.get("containerDefinitions").get(0);
        int shutdown = Integer.parseInt(taskDefEnvironment().get("CAMEL_MAIN_SHUTDOWN_TIMEOUT"));
        assertThat(shutdown).isGreaterThan(Integer.parseInt(settings.get("camel.main.shutdown-timeout")))
                .isGreaterThanOrEqualTo(LONGEST_POLL_SECONDS);
        int stop = container.get("stopTimeout").asInt();
        assertThat(stop).isGreaterThan(shutdown).isLessThanOrEqualTo(120); // Fargate's maximum
        Map<String, Object> deployment = k8sObject("Deployment");
        assertThat((Integer) path(deployment, "spec", "template", "spec", "terminationGracePeriodSeconds"))
                .isGreaterThan(shutdown);

        long memoryMb = taskDef.get("memory").asLong();
        Matcher percent = Pattern.compile("-XX:MaxRAMPercentage=(\\d+)").matcher(taskDefEnvironment().get("JAVA_OPTS"));
        assertThat(percent.find()).isTrue();
        assertThat(memoryMb * Long.parseLong(percent.group(1)) / 100).isGreaterThan(2 * MEASURED_PEAK_HEAP_MB);
        Map<?, ?> k8s = (Map<?, ?>) ((List<?>) path(deployment, "spec", "template", "spec", "containers")).get(0);
        Map<?, ?> limits = (Map<?, ?>) ((Map<?, ?>) k8s.get("resources")).get("limits");
        assertThat(limits.get("memory")).isEqualTo((memoryMb / 1024) + "Gi");
        assertThat(String.valueOf(limits.get("cpu"))).isEqualTo(String.valueOf(taskDef.get("cpu").asInt() / 1024));
    }

    @Test
    void theImageRunsTheApplicationAsANonRootUserWithTheBundledRoutes() throws Exception {
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        List<String> entrypoint = texts(JSON.readTree(line(dockerfile, "ENTRYPOINT")));
        Matcher main = Pattern.compile("(io\\.ecompipeline\\.[A-Za-z0-9_.]+)").matcher(String.join(" ", entrypoint));
        assertThat(main.find()).isTrue();
        Method method = Class.forName(main.group(1)).getMethod("main", String[].class);
        assertThat(Modifier.isStatic(method.getModifiers())).isTrue();
        assertThat(texts(JSON.readTree(line(dockerfile, "CMD")))).containsExactly("run");

        // the classpath in the entrypoint is what `mvn package` produces (pom: finalName, copy-dependencies to lib/)
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(ROOT.resolve("pom.xml").toFile());
        String finalName = pom.getElementsByTagName("finalName").item(0).getTextContent();
        assertThat(String.join(" ", entrypoint)).contains("/app/" + finalName + ".jar:/app/lib/*");
        assertThat(dockerfile).contains("target/" + finalName + ".jar /app/" + finalName + ".jar")
                .contains("target/lib/ /app/lib/");
        assertThat(copyDependencies(pom)).containsEntry("includeScope", "runtime")
                .containsEntry("outputDirectory", "${project.build.directory}/lib");

        // the build stage has every folder the jar is built from (pom resources such as asl/)
        String dockerignore = Files.readString(ROOT.resolve(".dockerignore"));
        NodeList resources = pom.getElementsByTagName("resource");
        for (int i = 0; i < resources.getLength(); i++) {
            String directory = text((Element) resources.item(i), "directory");
            String top = directory.split("/")[0];
            assertThat(dockerfile).as("the build stage copies %s", top).containsPattern("(?m)^COPY " + top + " ");
            assertThat(dockerignore).as(".dockerignore lets %s through", top).contains("!" + top + "/");
        }
        assertThat(resources.getLength()).isPositive();

        // routes: copied from the sources to the folder the app reads, where Kubernetes mounts the ConfigMap
        String routesDir = dockerfileEnv().get("PIPELINE_ROUTES_DIR");
        assertThat(dockerfile).contains("COPY --from=build /src/src/main/resources/routes/ " + routesDir + "/");
        assertThat(ROOT.resolve("src/main/resources/routes")).isDirectory();
        assertThat(taskDefEnvironment().get("PIPELINE_ROUTES_DIR")).isEqualTo(routesDir);
        Map<?, ?> k8s = (Map<?, ?>) ((List<?>) path(k8sObject("Deployment"), "spec", "template", "spec", "containers"))
                .get(0);
        Map<?, ?> mount = named((List<?>) k8s.get("volumeMounts"), "routes");
        assertThat(mount.get("mountPath")).isEqualTo(routesDir);
        assertThat(mount.containsKey("subPath")).as("a subPath mount never sees ConfigMap updates").isFalse();

        // a read-only root filesystem with a writable /tmp, the only place the app writes
        assertThat(dockerfile).contains("VOLUME [\"/tmp\"]");
        assertThat(((Map<?, ?>) k8s.get("securityContext")).get("readOnlyRootFilesystem")).isEqualTo(true);
        assertThat(named((List<?>) k8s.get("volumeMounts"), "tmp").get("mountPath")).isEqualTo("/tmp");
        assertThat(named((List<?>) path(k8sObject("Deployment"), "spec", "template", "spec", "volumes"), "tmp")
                .containsKey("emptyDir")).isTrue();
        JsonNode taskDef = JSON.readTree(ROOT.resolve("ecs-task-def.json").toFile());
        JsonNode container = taskDef.get("containerDefinitions").get(0);
        assertThat(container.get("readonlyRootFilesystem").asBoolean()).isTrue();
        JsonNode tmp = container.get("mountPoints").get(0);
        assertThat(tmp.get("containerPath").asText()).isEqualTo("/tmp");
        assertThat(taskDef.get("volumes").get(0).get("name").asText()).isEqualTo(tmp.get("sourceVolume").asText());

        // non-root: the image's numeric user is the one Kubernetes enforces
        Matcher user = Pattern.compile("(?m)^USER (\\d+):(\\d+)$").matcher(dockerfile);
        assertThat(user.find()).isTrue();
        assertThat(Integer.parseInt(user.group(1))).isPositive();
        Map<?, ?> podSecurity = (Map<?, ?>) path(k8sObject("Deployment"), "spec", "template", "spec", "securityContext");
        assertThat(podSecurity.get("runAsUser")).isEqualTo(Integer.parseInt(user.group(1)));
        assertThat(podSecurity.get("runAsNonRoot")).isEqualTo(true);
    }

    @Test
    void theFlowDiagramIsTheBundledRoutes() throws Exception {
        String page = io.ecompipeline.observe.FlowDiagram.markdown(ROOT.resolve("src/main/resources/routes"));
        assertThat(Files.readString(ROOT.resolve("docs/flow.md"))).as("docs/flow.md is stale: run bin/flow-diagram")
                .isEqualTo(page);
        // the flow from the poller to the dead-letter route, through the seda: queue
        assertThat(page).contains("```mermaid\nflowchart LR\n", "<b>ingest-poll-s3</b><br/>aws2-s3:",
                "<b>process-pending</b>", "<b>batch-dead-letter</b>").contains(" -.-> ");
    }

    @Test
    void theRoutesConfigMapHoldsTheBundledRoutes() throws Exception {
        Map<String, Object> configMap = k8sObjects().stream()
                .filter(o -> "ConfigMap".equals(o.get("kind")) && "ecom-pipeline-routes".equals(meta(o, "name")))
                .findFirst().orElseThrow();
        Map<String, String> bundled = new TreeMap<>();
        try (Stream<Path> files = Files.list(ROOT.resolve("src/main/resources/routes"))) {
            for (Path file : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                bundled.put(file.getFileName().toString(), Files.readString(file));
            }
        }
        assertThat(bundled).isNotEmpty();
        assertThat(new TreeMap<>((Map<?, ?>) configMap.get("data")))
                .as("k8s/routes-configmap.yaml is stale: run bin/k8s-routes-configmap")
                .isEqualTo(bundled);
        Map<String, Object> deployment = k8sObject("Deployment");
        Map<?, ?> volume = named((List<?>) path(deployment, "spec", "template", "spec", "volumes"), "routes");
        assertThat(((Map<?, ?>) volume.get("configMap")).get("name")).isEqualTo(meta(configMap, "name"));
    }

    @Test
    void theStateMachinesUseTheConfiguredActivities() throws Exception {
        Set<String> configured = new TreeSet<>();
        settings.forEach((key, value) -> {
            if (key.startsWith("pipeline.sfn.activity.")) {
                configured.add(value);
            }
        });
        Set<String> used = new TreeSet<>();
        for (String file : List.of("asl/ingest-batch.asl.json", "asl/daily-generation.asl.json")) {
            Matcher activity = Pattern.compile("\\$\\{ActivityArnPrefix}([A-Za-z0-9_-]+)")
                    .matcher(Files.readString(ROOT.resolve(file)));
            while (activity.find()) {
                used.add(activity.group(1));
            }
        }
        assertThat(configured).hasSize(6);
        assertThat(used).as("activities of asl/*.json = pipeline.sfn.activity.*").isEqualTo(configured);
    }

    @Test
    void noDeploymentArtefactNamesTheLocalDefaultBucket() throws Exception {
        String localDefault = settings.get("pipeline.bucket");
        assertThat(localDefault).isEqualTo("ecommerce-data");
        List<Path> files = new ArrayList<>(List.of(ROOT.resolve("ecs-task-def.json"), ROOT.resolve("Dockerfile")));
        for (String dir : List.of("deploy", "k8s", "asl")) {
            try (Stream<Path> tree = Files.walk(ROOT.resolve(dir))) {
                tree.filter(Files::isRegularFile).forEach(files::add);
            }
        }
        assertThat(files).hasSizeGreaterThan(15);
        for (Path file : files) {
            assertThat(Files.readString(file)).as(ROOT.relativize(file).toString()).doesNotContain(localDefault);
        }
    }

    @Test
    void placeholdersAreTheDocumentedOnesAndNeverCollideWithRouteExpressions() throws Exception {
        Pattern placeholder = Pattern.compile("\\$\\{([A-Za-z0-9_.:-]+)}");
        List<Path> files = new ArrayList<>(List.of(ROOT.resolve("ecs-task-def.json")));
        try (Stream<Path> iam = Files.list(ROOT.resolve("deploy/iam")); Stream<Path> k8s = Files.list(ROOT.resolve("k8s"));
                Stream<Path> athena = Files.list(ROOT.resolve("deploy/athena"))) {
            iam.forEach(files::add);
            athena.forEach(files::add);
            k8s.filter(p -> !p.getFileName().toString().equals("routes-configmap.yaml")).forEach(files::add);
        }
        Set<String> used = new TreeSet<>();
        for (Path file : files) {
            Matcher m = placeholder.matcher(Files.readString(file));
            while (m.find()) {
                used.add(m.group(1));
            }
        }
        assertThat(used).isSubsetOf(PLACEHOLDERS).contains("AccountId", "Region", "ImageUri", "DbHost", "Bucket");
        String routes = Files.readString(ROOT.resolve("k8s/routes-configmap.yaml"));
        for (String name : PLACEHOLDERS) {
            assertThat(routes).doesNotContain("${" + name + "}");
        }
        String deploying = Files.readString(ROOT.resolve("docs/deploying-aws.md"));
        for (String name : used) {
            assertThat(deploying).as("docs/deploying-aws.md documents ${%s}", name).contains("${" + name + "}");
        }
        // Kubernetes needs neither the OIDC provider (IAM only) nor the secret's ARN (ECS only)
        List<String> k8sPlaceholders = used.stream()
                .filter(n -> !n.equals("OidcProvider") && !n.equals("DbSecretArn")).map(n -> "$" + n).toList();
        assertThat(Files.readString(ROOT.resolve("k8s/kustomization.yaml")))
                .contains("envsubst '" + String.join(" ", k8sPlaceholders) + "'");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theWorkersScaleOnTheBacklogOfTheConfiguredValidationActivity() throws Exception {
        Path dir = ROOT.resolve("deploy/autoscaling");
        String activity = "arn:aws:states:${Region}:${AccountId}:activity:"
                + settings().get("pipeline.sfn.activity.validate-file");
        JsonNode target = JSON.readTree(dir.resolve("ecs-scalable-target.json").toFile());
        for (String policy : List.of("ecs-scale-out-policy.json", "ecs-scale-in-policy.json")) {
            JsonNode p = JSON.readTree(dir.resolve(policy).toFile());
            assertThat(p.path("ResourceId")).as(policy).isEqualTo(target.path("ResourceId"));
            assertThat(p.path("ScalableDimension")).as(policy).isEqualTo(target.path("ScalableDimension"));
        }
        JsonNode high = JSON.readTree(dir.resolve("ecs-alarm-backlog-high.json").toFile());
        JsonNode low = JSON.readTree(dir.resolve("ecs-alarm-backlog-low.json").toFile());
        for (JsonNode alarm : List.of(high, low)) {
            assertThat(alarm.path("Namespace").asText()).isEqualTo("AWS/States");
            assertThat(alarm.path("MetricName").asText()).isEqualTo("ActivityScheduleTime");
            assertThat(alarm.path("Dimensions").get(0).path("Value").asText()).isEqualTo(activity);
        }
        assertThat(low.path("Threshold").asDouble()).isLessThan(high.path("Threshold").asDouble());

        List<Object> keda = loadYaml(dir.resolve("k8s-worker-autoscaling.yaml"));
        Map<String, Object> scaled = keda.stream().map(o -> (Map<String, Object>) o)
                .filter(o -> "ScaledObject".equals(o.get("kind"))).findFirst().orElseThrow();
        Map<String, Object> deployment = k8sObject("Deployment");
        assertThat(path(scaled, "spec", "scaleTargetRef", "name")).isEqualTo(meta(deployment, "name"));
        assertThat(meta(scaled, "namespace")).isEqualTo(meta(deployment, "namespace"));
        assertThat(path(scaled, "spec", "maxReplicaCount")).isEqualTo(target.path("MaxCapacity").asInt());
        Map<?, ?> trigger = (Map<?, ?>) ((List<?>) path(scaled, "spec", "triggers")).get(0);
        assertThat(((Map<?, ?>) trigger.get("metadata")).get("dimensionValue")).isEqualTo(activity);

        // every placeholder of these files is explained where they are described
        String capacity = Files.readString(ROOT.resolve("docs/capacity.md"));
        StringBuilder artefacts = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                artefacts.append(Files.readString(file)).append('\n');
            }
        }
        Matcher m = Pattern.compile("\\$\\{([A-Za-z]+)}").matcher(artefacts);
        while (m.find()) {
            String name = m.group(1);
            assertThat(capacity).as("docs/capacity.md explains ${%s}", name)
                    .contains(name.endsWith("PolicyArn") ? "the policy ARNs" : "${" + name + "}");
        }
    }

    // --- reading the artefacts

    private static Map<String, String> settings() {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(ROOT.resolve("src/main/resources/application.properties"))) {
            properties.load(reader);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Map<String, String> settings = new TreeMap<>();
        properties.stringPropertyNames().forEach(key -> settings.put(key, properties.getProperty(key).trim()));
        // keys documented as a commented-out example ("# pipeline.routes.dir = ...") are read from the environment
        try {
            Matcher documented = Pattern.compile("(?m)^#\\s*(pipeline\\.[a-z0-9.-]+)\\s*=")
                    .matcher(Files.readString(ROOT.resolve("src/main/resources/application.properties")));
            while (documented.find()) {
                settings.putIfAbsent(documented.group(1), "");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return settings;
    }

    /** The environment variable that overrides {@code key}: upper case, '.' and '-' as '_'. */
    private static String envName(String key) {
        return key.toUpperCase().replace('.', '_').replace('-', '_');
    }

    private static Map<String, String> taskDefEnvironment() throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        JsonNode container = JSON.readTree(ROOT.resolve("ecs-task-def.json").toFile()).get("containerDefinitions").get(0);
        for (JsonNode variable : container.get("environment")) {
            assertThat(env.put(variable.get("name").asText(), variable.get("value").asText())).isNull();
        }
        return env;
    }

    private static List<String> taskDefSecrets() throws IOException {
        JsonNode container = JSON.readTree(ROOT.resolve("ecs-task-def.json").toFile()).get("containerDefinitions").get(0);
        List<String> names = new ArrayList<>();
        container.get("secrets").forEach(s -> names.add(s.get("name").asText()));
        return names;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> k8sEnvironment() throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        Map<String, Object> settingsMap = k8sObjects().stream()
                .filter(o -> "ConfigMap".equals(o.get("kind")) && "ecom-pipeline-settings".equals(meta(o, "name")))
                .findFirst().orElseThrow();
        ((Map<String, Object>) settingsMap.get("data")).forEach((k, v) -> env.put(k, String.valueOf(v)));
        Map<?, ?> container = (Map<?, ?>) ((List<?>) path(k8sObject("Deployment"), "spec", "template", "spec",
                "containers")).get(0);
        Map<?, ?> from = (Map<?, ?>) ((List<?>) container.get("envFrom")).get(0);
        assertThat(((Map<?, ?>) from.get("configMapRef")).get("name")).isEqualTo(meta(settingsMap, "name"));
        return env;
    }

    private static List<String> k8sSecretEnvNames() throws IOException {
        Map<?, ?> container = (Map<?, ?>) ((List<?>) path(k8sObject("Deployment"), "spec", "template", "spec",
                "containers")).get(0);
        List<String> names = new ArrayList<>();
        for (Object item : (List<?>) container.get("env")) {
            Map<?, ?> variable = (Map<?, ?>) item;
            Map<?, ?> ref = (Map<?, ?>) ((Map<?, ?>) variable.get("valueFrom")).get("secretKeyRef");
            assertThat(ref.get("key")).isEqualTo(variable.get("name"));
            names.add((String) variable.get("name"));
        }
        return names;
    }

    /** ENV lines of the Dockerfile's runtime stage, continuation lines joined. */
    private static Map<String, String> dockerfileEnv() throws IOException {
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile")).replace("\\\n", " ");
        Map<String, String> env = new LinkedHashMap<>();
        Matcher line = Pattern.compile("(?m)^ENV (.*)$").matcher(dockerfile);
        while (line.find()) {
            Matcher pair = Pattern.compile("([A-Z_][A-Z0-9_]*)=(\"[^\"]*\"|\\S+)").matcher(line.group(1));
            while (pair.find()) {
                env.put(pair.group(1), pair.group(2).replaceAll("^\"|\"$", ""));
            }
        }
        return env;
    }

    private static String line(String dockerfile, String instruction) {
        Matcher m = Pattern.compile("(?m)^" + instruction + " (.*)$").matcher(dockerfile);
        assertThat(m.find()).as(instruction).isTrue();
        return m.group(1);
    }

    private static Map<String, String> copyDependencies(Document pom) {
        NodeList executions = pom.getElementsByTagName("execution");
        for (int i = 0; i < executions.getLength(); i++) {
            Element execution = (Element) executions.item(i);
            if (execution.getTextContent().contains("copy-dependencies")) {
                Map<String, String> config = new HashMap<>();
                config.put("phase", text(execution, "phase"));
                config.put("includeScope", text(execution, "includeScope"));
                config.put("outputDirectory", text(execution, "outputDirectory"));
                assertThat(config.get("phase")).isEqualTo("package");
                return config;
            }
        }
        throw new AssertionError("no copy-dependencies execution in pom.xml");
    }

    private static String text(Element element, String tag) {
        NodeList nodes = element.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent().trim();
    }

    /** Resource ARN to the actions a policy allows on it. */
    private static Map<String, Set<String>> grants(String file) throws IOException {
        Map<String, Set<String>> grants = new TreeMap<>();
        for (JsonNode statement : JSON.readTree(ROOT.resolve("deploy/iam").resolve(file).toFile()).get("Statement")) {
            for (String resource : texts(statement.get("Resource"))) {
                grants.computeIfAbsent(resource, r -> new TreeSet<>()).addAll(texts(statement.get("Action")));
            }
        }
        return grants;
    }

    private static List<String> principals(String file) throws IOException {
        List<String> services = new ArrayList<>();
        for (JsonNode statement : JSON.readTree(ROOT.resolve("deploy/iam").resolve(file).toFile()).get("Statement")) {
            services.addAll(texts(statement.get("Principal").get("Service")));
        }
        return services;
    }

    private static List<String> texts(JsonNode node) {
        List<String> texts = new ArrayList<>();
        if (node == null) {
            return texts;
        }
        if (node.isArray()) {
            node.forEach(n -> texts.add(n.asText()));
        } else {
            texts.add(node.asText());
        }
        return texts;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> k8sObjects() throws IOException {
        Map<String, Object> kustomization = (Map<String, Object>) loadYaml(ROOT.resolve("k8s/kustomization.yaml")).get(0);
        List<Map<String, Object>> objects = new ArrayList<>();
        for (Object resource : (List<Object>) kustomization.get("resources")) {
            for (Object document : loadYaml(ROOT.resolve("k8s").resolve((String) resource))) {
                objects.add((Map<String, Object>) document);
            }
        }
        return objects;
    }

    private static List<Object> loadYaml(Path file) throws IOException {
        List<Object> documents = new ArrayList<>();
        new Load(LoadSettings.builder().build()).loadAllFromString(Files.readString(file)).forEach(documents::add);
        return documents;
    }

    private static Map<String, Object> k8sObject(String kind) throws IOException {
        List<Map<String, Object>> found = k8sObjects().stream().filter(o -> kind.equals(o.get("kind"))).toList();
        assertThat(found).as(kind).hasSize(1);
        return found.get(0);
    }

    private static String meta(Map<String, Object> object, String field) {
        return (String) ((Map<?, ?>) object.get("metadata")).get(field);
    }

    private static Map<?, ?> named(List<?> items, String name) {
        return items.stream().map(i -> (Map<?, ?>) i).filter(i -> name.equals(i.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no item named " + name));
    }

    private static Object path(Map<String, Object> object, String... keys) {
        Object current = object;
        for (String key : keys) {
            current = ((Map<?, ?>) current).get(key);
        }
        return current;
    }
}
