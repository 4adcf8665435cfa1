package io.ecompipeline.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;
import java.util.stream.Stream;

import javax.management.ObjectName;

import io.ecompipeline.common.StartupException;
import org.apache.camel.api.management.ManagedOperation;
import org.apache.camel.api.management.mbean.ManagedCamelContextMBean;
import org.jolokia.server.core.restrictor.policy.PolicyRestrictor;
import org.jolokia.server.core.util.HttpMethod;
import org.jolokia.server.core.util.RequestType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The Jolokia policy against every operation Camel 4.17's managed beans declare (every {@code @ManagedOperation} of
 * every {@code Managed*MBean} interface in camel-management-api, found by reflection, so a new Camel version's
 * operations are checked too), on every kind of Camel MBean: only the dumps and names a console needs are allowed,
 * plus route start/stop/suspend/resume behind a login. Also the JVM's dangerous operations, attribute writes, the
 * secret-bearing attributes, GET, and the CORS origins.
 */
@Tag("unit")
class JolokiaPolicyTest {

    private static final String CONTEXT = "org.apache.camel:context=ecom-pipeline,type=context,name=\"ecom-pipeline\"";
    private static final String ROUTE = "org.apache.camel:context=ecom-pipeline,type=routes,name=\"process-batch\"";
    private static final String REST = "org.apache.camel:context=ecom-pipeline,type=services,name=DefaultRestRegistry";
    /** One MBean of each kind Camel registers, beside the three above. */
    private static final List<String> OTHER_CAMEL_MBEANS = List.of(
            "org.apache.camel:context=ecom-pipeline,type=processors,name=\"to1\"",
            "org.apache.camel:context=ecom-pipeline,type=endpoints,name=\"sql://select%20*\"",
            "org.apache.camel:context=ecom-pipeline,type=components,name=\"sql\"",
            "org.apache.camel:context=ecom-pipeline,type=consumers,name=AWS2S3Consumer(0x1)",
            "org.apache.camel:context=ecom-pipeline,type=producers,name=SqlProducer(0x1)",
            "org.apache.camel:context=ecom-pipeline,type=services,name=DefaultTypeConverter",
            "org.apache.camel:context=ecom-pipeline,type=services,name=DefaultInflightRepository",
            "org.apache.camel:context=ecom-pipeline,type=tracer,name=BacklogTracer",
            "org.apache.camel:context=ecom-pipeline,type=tracer,name=BacklogDebugger",
            "org.apache.camel:context=ecom-pipeline,type=threadpools,name=\"x\"",
            "org.apache.camel:context=ecom-pipeline,type=health,name=DefaultHealthCheck",
            "org.apache.camel:context=ecom-pipeline,type=routecontrollers,name=DefaultRouteController",
            "org.apache.camel:context=ecom-pipeline,type=eventnotifiers,name=x",
            "org.apache.camel:context=ecom-pipeline,type=dataformats,name=\"bindy\"",
            "org.apache.camel:context=ecom-pipeline,type=routegroups,name=\"g\"");

    private static final Set<String> CONTEXT_READS = Set.of("dumpRoutesAsXml()", "dumpRoutesAsYaml()",
            "dumpRoutesStatsAsXml", "dumpRoutesStatsAsXml(boolean,boolean)", "dumpStepStatsAsXml(boolean)",
            "routeIds()", "componentNames()", "dataFormatNames()", "languageNames()");
    private static final Set<String> ROUTE_READS = Set.of("dumpRouteAsXml()", "dumpRouteAsYaml()",
            "dumpRouteStatsAsXml", "dumpRouteStatsAsXml(boolean,boolean)", "dumpStepStatsAsXml(boolean)",
            "processorIds()");

    @Test
    void everyCamelOperationIsRefusedButTheDumpsAConsoleNeeds() throws Exception {
        List<String> operations = camelOperations();
        assertThat(operations).as("operations found in camel-management-api").hasSizeGreaterThan(150)
                .contains("requestBody(java.lang.String,java.lang.Object)", "sendBody(java.lang.String,java.lang.Object)",
                        "createEndpoint(java.lang.String)", "updateRouteFromXml(java.lang.String)",
                        "evaluateExpressionAtBreakpoint(java.lang.String,java.lang.String,java.lang.String)",
                        "dumpRoutesAsXml(boolean)", "setGlobalOption(java.lang.String,java.lang.String)");
        for (boolean login : List.of(false, true)) {
            PolicyRestrictor policy = JolokiaPolicy.of(login, List.of()).restrictor();
            Set<String> allowed = new TreeSet<>();
            for (String mbean : allCamelMBeans()) {
                ObjectName name = new ObjectName(mbean);
                for (String operation : operations) {
                    for (String spelling : spellings(operation)) {
                        if (policy.isOperationAllowed(name, spelling)) {
                            allowed.add(mbean + " " + spelling);
                        }
                    }
                }
            }
            Set<String> expected = new TreeSet<>();
            CONTEXT_READS.forEach(op -> expected.add(CONTEXT + " " + op));
            ROUTE_READS.forEach(op -> expected.add(ROUTE + " " + op));
            expected.add(REST + " listRestServices()");
            if (login) {
                JolokiaPolicy.ROUTE_CONTROL.forEach(op -> expected.add(ROUTE + " " + op));
            }
            assertThat(allowed).as("login " + login).isEqualTo(expected);
        }
    }

    @Test
    void logLevelsAreReadByAnyoneAndSetOnlyWithTheLogin() throws Exception {
        ObjectName logging = new ObjectName(LoggingLevels.NAME);
        for (boolean login : List.of(false, true)) {
            PolicyRestrictor policy = JolokiaPolicy.of(login, List.of()).restrictor();
            assertThat(policy.isAttributeReadAllowed(logging, "Levels")).isTrue();
            assertThat(policy.isOperationAllowed(logging, "getLevel")).isTrue();
            assertThat(policy.isOperationAllowed(logging, "setLevel")).as("login " + login).isEqualTo(login);
            assertThat(policy.isAttributeWriteAllowed(logging, "Levels")).isFalse();
        }
    }

    @Test
    void recomputeIsReadByAnyoneAndRunOnlyWithTheLogin() throws Exception {
        ObjectName recompute = new ObjectName(JolokiaPolicy.RECOMPUTE);
        for (boolean login : List.of(false, true)) {
            PolicyRestrictor policy = JolokiaPolicy.of(login, List.of()).restrictor();
            assertThat(policy.isAttributeReadAllowed(recompute, "LastResult")).isTrue();
            assertThat(policy.isOperationAllowed(recompute, "recompute")).as("login " + login).isEqualTo(login);
        }
    }

    @Test
    void secretsAndDangerousJvmOperationsAreOutOfReachWithOrWithoutLogin() throws Exception {
        for (boolean login : List.of(false, true)) {
            PolicyRestrictor policy = JolokiaPolicy.of(login, List.of()).restrictor();
            assertThat(policy.isHttpMethodAllowed(HttpMethod.GET)).isFalse();
            assertThat(policy.isHttpMethodAllowed(HttpMethod.POST)).isTrue();
            assertThat(policy.isTypeAllowed(RequestType.READ)).isTrue();
            assertThat(policy.isTypeAllowed(RequestType.EXEC)).as("exec only where allowed").isFalse();
            assertThat(policy.isTypeAllowed(RequestType.WRITE)).isFalse();

            ObjectName runtime = new ObjectName("java.lang:type=Runtime");
            assertThat(policy.isAttributeReadAllowed(runtime, "SystemProperties")).isFalse();
            assertThat(policy.isAttributeReadAllowed(runtime, "InputArguments")).isFalse();
            assertThat(policy.isAttributeReadAllowed(runtime, "Uptime")).isTrue();
            assertThat(policy.isAttributeReadAllowed(new ObjectName(ROUTE), "ExchangesCompleted")).isTrue();
            assertThat(policy.isAttributeReadAllowed(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "MBeanInfo")).isFalse();
            for (String attribute : List.of("Tracing", "Enabled", "TracePattern", "TraceFilter", "MaximumRequests")) {
                for (String mbean : allCamelMBeans()) {
                    assertThat(policy.isAttributeWriteAllowed(new ObjectName(mbean), attribute)).isFalse();
                }
            }
            assertThat(policy.isOperationAllowed(new ObjectName("com.sun.management:type=HotSpotDiagnostic"),
                    "dumpHeap(java.lang.String,boolean)")).isFalse();
            assertThat(policy.isOperationAllowed(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "vmSystemProperties()")).isFalse();
            assertThat(policy.isOperationAllowed(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "jvmtiAgentLoad([Ljava.lang.String;)")).isFalse();
            assertThat(policy.isOperationAllowed(new ObjectName("jdk.management.jfr:type=FlightRecorder"),
                    "newRecording()")).isFalse();
            assertThat(policy.isOperationAllowed(new ObjectName("java.util.logging:type=Logging"),
                    "setLoggerLevel(java.lang.String,java.lang.String)")).isFalse();
            assertThat(policy.isOperationAllowed(new ObjectName("java.lang:type=Threading"),
                    "dumpAllThreads(boolean,boolean)")).isTrue();
        }
    }

    @Test
    void onlyListedOriginsAndRequestsWithoutOnePass() {
        PolicyRestrictor policy = JolokiaPolicy.of(false, List.of("http://127.0.0.1:8090", "http://localhost:*"))
                .restrictor();
        assertThat(policy.isOriginAllowed("", true)).as("no Origin, no Referer: not a browser page").isTrue();
        assertThat(policy.isOriginAllowed("http://127.0.0.1:8090", true)).isTrue();
        assertThat(policy.isOriginAllowed("http://localhost:3000", true)).isTrue();
        assertThat(policy.isOriginAllowed("http://127.0.0.1:8091", true)).isFalse();
        assertThat(policy.isOriginAllowed("http://evil.example", true)).isFalse();
        assertThat(policy.isOriginAllowed("http://127.0.0.1:8090.evil.example", true)).isFalse();
        assertThat(policy.isOriginAllowed("null", true)).as("a sandboxed page or a file").isFalse();

        PolicyRestrictor none = JolokiaPolicy.of(false, List.of()).restrictor();
        assertThat(none.isOriginAllowed("", true)).isTrue();
        assertThat(none.isOriginAllowed("http://127.0.0.1:8090", true)).isFalse();

        assertThatThrownBy(() -> JolokiaPolicy.of(false, List.of("127.0.0.1:8090")))
                .isInstanceOf(StartupException.class).hasMessageContaining("pipeline.management.allowed-origins");
        assertThatThrownBy(() -> JolokiaPolicy.of(false, List.of("http://x/</allow-origin><allow-origin>*")))
                .isInstanceOf(StartupException.class);
    }

    /** Every operation of camel-management-api's Managed*MBean interfaces, as name(type,...). */
    static List<String> camelOperations() throws IOException, URISyntaxException, ClassNotFoundException {
        Path jar = Path.of(ManagedCamelContextMBean.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> operations = new ArrayList<>();
        try (var fs = java.nio.file.FileSystems.newFileSystem(jar);
                Stream<Path> classes = Files.walk(fs.getPath("org/apache/camel/api/management/mbean"))) {
            for (Path file : classes.filter(p -> p.getFileName().toString().matches("Managed.*MBean\\.class")).toList()) {
                Class<?> type = Class.forName("org.apache.camel.api.management.mbean."
                        + file.getFileName().toString().replace(".class", ""));
                for (Method method : type.getDeclaredMethods()) {
                    if (method.isAnnotationPresent(ManagedOperation.class)) {
                        StringJoiner signature = new StringJoiner(",", method.getName() + "(", ")");
                        for (Class<?> parameter : method.getParameterTypes()) {
                            signature.add(parameter.getName());
                        }
                        operations.add(signature.toString());
                    }
                }
            }
        }
        return operations.stream().distinct().sorted().toList();
    }

    /** How a client may name an operation: with its signature, with spaces, or by name alone. */
    private static List<String> spellings(String operation) {
        return List.of(operation, operation.replace(",", ", "), operation.substring(0, operation.indexOf('(')));
    }

    private static List<String> allCamelMBeans() {
        List<String> all = new ArrayList<>(List.of(CONTEXT, ROUTE, REST));
        all.addAll(OTHER_CAMEL_MBEANS);
        return all;
    }
}
