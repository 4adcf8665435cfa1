package io.ecompipeline.cli;

/** Bad command-line arguments: the message says what is wrong; the usage is printed after it. */
public class UsageException extends RuntimeException {

    public UsageException(String message) {
        super(message);
    }
}
