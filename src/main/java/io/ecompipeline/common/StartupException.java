package io.ecompipeline.common;

/** The application cannot start as configured: the message says what to fix. */
public class StartupException extends RuntimeException {

    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
