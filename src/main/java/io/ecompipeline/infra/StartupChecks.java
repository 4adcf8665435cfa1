package io.ecompipeline.infra;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

import io.ecompipeline.common.Errors;
import io.ecompipeline.common.StartupException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * The start-up checks (and, when provisioning, creations) of the services the application needs. They are network
 * round trips that do not depend on each other, so they run concurrently: start-up waits for the slowest, not for
 * their sum. A failure stops the start with a message that says what kind it is, so the operator knows what to fix:
 * the service cannot be reached (address, network), it refused the credentials or the permission (IAM), or it
 * answered with another error (a missing resource, a bad configuration). When several fail, the first in the order
 * the checks were added is reported, so the message does not depend on timing.
 */
public final class StartupChecks {

    /** One check; a {@link RuntimeException} fails it. */
    public interface Check {
        void run();
    }

    /** Error codes AWS services answer when the caller's credentials or permissions are refused. */
    private static final Set<String> DENIED_CODES = Set.of("AccessDenied", "AccessDeniedException",
            "UnrecognizedClientException", "InvalidClientTokenId", "InvalidAccessKeyId", "SignatureDoesNotMatch",
            "InvalidSignatureException", "ExpiredToken", "ExpiredTokenException", "MissingAuthenticationToken",
            "AuthFailure", "UnauthorizedOperation", "NotAuthorized");

    private final List<String> names = new ArrayList<>();
    private final List<CompletableFuture<Void>> running = new ArrayList<>();

    /** Starts {@code check} at once on its own thread; {@code what} names the service in the error message. */
    public StartupChecks start(String what, Check check) {
        names.add(what);
        running.add(async(check::run));
        return this;
    }

    /** Waits for every check started; throws the first failure (in the order they were started). */
    public void await() {
        for (int i = 0; i < running.size(); i++) {
            try {
                running.get(i).join();
            } catch (CompletionException e) {
                throw failure(names.get(i), e.getCause());
            }
        }
    }

    /** Runs {@code check} now, on this thread, with the same error messages. */
    public static void run(String what, Check check) {
        try {
            check.run();
        } catch (RuntimeException e) {
            throw failure(what, e);
        }
    }

    private static CompletableFuture<Void> async(Runnable task) {
        return async(() -> {
            task.run();
            return null;
        });
    }

    /** On a new daemon thread (not the common pool, whose size depends on the cores and may be taken). */
    private static <T> CompletableFuture<T> async(Supplier<T> task) {
        CompletableFuture<T> future = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                future.complete(task.get());
            } catch (Throwable e) {
                future.completeExceptionally(e);
            }
        }, "startup-check");
        thread.setDaemon(true);
        thread.start();
        return future;
    }

    /** The failure of the check of {@code what}, classified. */
    public static StartupException failure(String what, Throwable error) {
        if (error instanceof StartupException done) {
            return done;
        }
        return new StartupException(message(what, error), error);
    }

    static String message(String what, Throwable error) {
        AwsServiceException service = Errors.find(error, AwsServiceException.class);
        if (service != null) {
            String code = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
            String detail = service.awsErrorDetails() == null || service.awsErrorDetails().errorMessage() == null
                    ? service.getMessage() : service.awsErrorDetails().errorMessage();
            String answer = (code == null ? "HTTP " + service.statusCode() : code) + ": " + detail;
            if (service.statusCode() == 401 || service.statusCode() == 403 || DENIED_CODES.contains(code)) {
                return "Access denied by " + what + " (check the credentials and the permissions of the role the "
                        + "application runs as): " + answer;
            }
            return what + " answered with an error: " + answer;
        }
        SdkClientException client = Errors.find(error, SdkClientException.class);
        if (client != null && String.valueOf(client.getMessage()).startsWith("Unable to load credentials")) {
            return "No AWS credentials for " + what + ": " + client.getMessage();
        }
        if (client != null || Errors.find(error, IOException.class) != null) {
            return "Cannot reach " + what + ": " + Errors.rootMessage(error);
        }
        return what + ": " + Errors.withCauses(error);
    }
}
