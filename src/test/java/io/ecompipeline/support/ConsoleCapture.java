package io.ecompipeline.support;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs a command in this JVM with System.out and System.err captured: its exit code and what it printed. */
public final class ConsoleCapture {

    /** What a command returned and printed. */
    public record Outcome(int code, String stdout, String stderr) {
    }

    /** A command of the CLI, run in this JVM. */
    public interface Command {
        int run() throws Exception;
    }

    private ConsoleCapture() {
    }

    public static Outcome capture(Command command) throws Exception {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            int code = command.run();
            return new Outcome(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
