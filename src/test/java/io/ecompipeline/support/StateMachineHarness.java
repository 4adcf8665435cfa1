package io.ecompipeline.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Runs the state machines of {@code asl/} locally through {@code src/test/sfn/harness.mjs} (the
 * aws-local-stepfunctions interpreter) with scripted task results, and hands back what happened: the final status,
 * the states entered, and every task call with its input. One Node process serves every run of a test class
 * (the library takes a second or two to load); {@code npm ci} in the {@code validate} phase installs it.
 *
 * <pre>{@code
 * try (StateMachineHarness sfn = StateMachineHarness.start()) {
 *     Run run = sfn.run(StateMachineHarness.asl("ingest-batch"), new Script(Map.of("batchId", "b-1", "files", List.of()))
 *             .task("ValidateApply", Outcome.failing("Transient", "S3 throttled"), Outcome.returning(Map.of("acceptedRows", 3))));
 * }
 * }</pre>
 * Script and result formats: the header comment of harness.mjs.
 */
public final class StateMachineHarness implements AutoCloseable {

    public static final Path SFN_DIR = Path.of("src/test/sfn");
    public static final Path ASL_DIR = Path.of("asl");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process node;
    private final Writer requests;
    private final BufferedReader replies;
    private final Path stderr;

    private StateMachineHarness(Process node, Path stderr) {
        this.node = node;
        this.stderr = stderr;
        this.requests = new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8);
        this.replies = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
    }

    public static StateMachineHarness start() throws IOException {
        if (!Files.isDirectory(SFN_DIR.resolve("node_modules/aws-local-stepfunctions"))) {
            throw new IllegalStateException("src/test/sfn/node_modules is missing: run `mvn validate` (npm ci) first");
        }
        Path stderr = Files.createTempFile("sfn-harness", ".log");
        Process node = new ProcessBuilder("node", "harness.mjs", "--serve")
                .directory(SFN_DIR.toFile()).redirectError(stderr.toFile()).start();
        return new StateMachineHarness(node, stderr);
    }

    /** {@code asl/<name>.asl.json}, absolute (the Node process runs in src/test/sfn). */
    public static Path asl(String name) {
        return ASL_DIR.resolve(name + ".asl.json").toAbsolutePath();
    }

    /** The definition as written (placeholders unsubstituted), to read its retriers and timeouts in assertions. */
    public static JsonNode definition(String name) {
        try {
            return JSON.readTree(asl(name).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Run run(Path definition, Script script) throws IOException {
        Map<String, Object> request = Map.of("definition", definition.toString(), "script", script.json);
        requests.write(JSON.writeValueAsString(request) + "\n");
        requests.flush();
        String line = replies.readLine();
        if (line == null) {
            throw new IllegalStateException("harness.mjs ended: " + Files.readString(stderr));
        }
        JsonNode reply = JSON.readTree(line);
        if (reply.has("harnessError")) {
            throw new IllegalArgumentException("harness.mjs: " + reply.get("harnessError").asText());
        }
        return new Run(reply);
    }

    @Override
    public void close() throws IOException {
        requests.close();
        try {
            if (!node.waitFor(10, TimeUnit.SECONDS)) {
                node.destroyForcibly();
            }
        } catch (InterruptedException e) {
            node.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(stderr);
    }

    /** What a run's tasks do, per Task state and call (the last outcome repeats). */
    public static final class Script {
        private final Map<String, Object> json = new LinkedHashMap<>();
        private final Map<String, List<Map<String, Object>>> tasks = new LinkedHashMap<>();

        public Script(Object input) {
            json.put("input", input);
            json.put("tasks", tasks);
        }

        /** Replaces the execution input. */
        public Script input(Object input) {
            json.put("input", input);
            return this;
        }

        public Script executionName(String name) {
            json.put("executionName", name);
            return this;
        }

        /** Real seconds per virtual second (harness default 0.001): all Retry, Wait and timeout timers scale. */
        public Script timeScale(double scale) {
            json.put("timeScale", scale);
            return this;
        }

        public Script task(String state, Outcome... outcomes) {
            List<Map<String, Object>> list = new ArrayList<>();
            for (Outcome o : outcomes) {
                list.add(o.json());
            }
            tasks.put(state, list);
            return this;
        }
    }

    public record Outcome(Map<String, Object> json) {
        public static Outcome returning(Object result) {
            return new Outcome(Map.of("return", result));
        }

        public static Outcome failing(String error, String cause) {
            return new Outcome(Map.of("throw", error, "cause", cause));
        }

        /** A worker that heartbeats while it works for {@code seconds} (virtual), then answers. */
        public static Outcome returningAfter(double seconds, Object result) {
            return new Outcome(Map.of("return", result, "delaySeconds", seconds));
        }

        /** The worker took the task and went silent: fails with States.HeartbeatTimeout after HeartbeatSeconds. */
        public static Outcome hanging() {
            return new Outcome(Map.of("hang", true));
        }
    }

    /** The harness's result: status, error, cause, output, states, calls. */
    public record Run(JsonNode json) {
        public String status() {
            return json.path("status").asText();
        }

        public String error() {
            return json.path("error").asText(null);
        }

        public String cause() {
            return json.path("cause").asText(null);
        }

        public JsonNode output() {
            return json.path("output");
        }

        public List<String> states() {
            List<String> states = new ArrayList<>();
            json.path("states").forEach(s -> states.add(s.asText()));
            return states;
        }

        /** Every task call, in order. */
        public List<JsonNode> calls() {
            List<JsonNode> calls = new ArrayList<>();
            json.path("calls").forEach(calls::add);
            return calls;
        }

        public List<JsonNode> calls(String state) {
            return calls().stream().filter(c -> state.equals(c.path("state").asText())).toList();
        }

        /** Calls to a Resource (e.g. {@code arn:aws:states:::sqs:sendMessage}), from whichever state. */
        public List<JsonNode> callsTo(String resource) {
            return calls().stream().filter(c -> resource.equals(c.path("resource").asText())).toList();
        }

        /** Virtual seconds of Retry backoff before each call of the state. */
        public List<Double> backoffs(String state) {
            return calls(state).stream().map(c -> c.path("sleptBefore").asDouble()).toList();
        }

        @Override
        public String toString() {
            return json.toPrettyString();
        }
    }
}
