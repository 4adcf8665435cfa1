package io.ecompipeline;

import io.ecompipeline.cli.Cli;

/**
 * ecom-pipeline's entry point: {@code run}, {@code ingest --input DIR --output DIR}, {@code demo} (docs/contract.md §6)
 * Talks to the endpoints in its configuration; the local launcher (test scope) starts embedded servers first.
 */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) {
        System.exit(Cli.run(args));
    }
}
