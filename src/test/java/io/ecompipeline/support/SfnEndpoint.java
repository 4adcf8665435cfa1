package io.ecompipeline.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The test Step Functions endpoint (src/test/sfn/sfn-endpoint.mjs) in a node process of its own, on DynamoDB and
 * SQS endpoints given to it: shared by the Step Functions tests and the scaling benchmark, which starts one per run
 * on servers of its own.
 */
public final class SfnEndpoint implements AutoCloseable {

    public static final Path SFN_DIR = Path.of("src/test/sfn");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Process process;
    private final String url;

    private SfnEndpoint(Process process, String url) {
        this.process = process;
        this.url = url;
    }

    /**
     * Starts it on a free port ({@code npm ci} in src/test/sfn first when its modules are missing); returns once it
     * listens. Polls are held {@code pollSeconds}, as AWS holds them for 60 s. Its stderr goes to {@code log}.
     */
    public static SfnEndpoint start(URI dynamoDb, URI sqs, String region, int pollSeconds, Path log)
            throws IOException, InterruptedException {
        if (!Files.isDirectory(SFN_DIR.resolve("node_modules/aws-local-stepfunctions"))) {
            Process npm = new ProcessBuilder("npm", "ci", "--prefer-offline", "--no-audit", "--no-fund",
                    "--loglevel=error").directory(SFN_DIR.toFile()).inheritIO().start();
            if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
                throw new IllegalStateException("npm ci in " + SFN_DIR + " failed");
            }
        }
        Files.createDirectories(log.toAbsolutePath().getParent());
        Process process = new ProcessBuilder("node", "sfn-endpoint.mjs", "--port", "0", "--dynamodb",
                dynamoDb.toString(), "--sqs", sqs.toString(), "--region", region, "--poll-seconds",
                String.valueOf(pollSeconds)).directory(SFN_DIR.toFile()).redirectError(log.toAbsolutePath().toFile())
                .start();
        BufferedReader stdout = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        String line = stdout.readLine();
        if (line == null || !line.startsWith("listening ")) {
            process.destroyForcibly();
            throw new IllegalStateException("sfn-endpoint.mjs did not start (see " + log + "): " + line);
        }
        return new SfnEndpoint(process, "http://127.0.0.1:" + line.substring("listening ".length()).trim());
    }

    public String url() {
        return url;
    }

    /** GET /_stats: the GetActivityTask polls open ({@code openPolls}) and made ({@code polls}). */
    public JsonNode stats() throws IOException, InterruptedException {
        return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(url + "/_stats")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    /** Closing its stdin ends it; killed when it has not ended within 5 s. */
    @Override
    public void close() throws IOException, InterruptedException {
        process.getOutputStream().close();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
