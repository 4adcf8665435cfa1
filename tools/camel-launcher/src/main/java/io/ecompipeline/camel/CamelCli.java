package io.ecompipeline.camel;

import org.apache.camel.dsl.jbang.core.commands.CamelJBangMain;

/** The {@code camel} command: what jbang's {@code camel@apache/camel} app runs, without jbang. */
public final class CamelCli {

    private CamelCli() {
    }

    public static void main(String... args) {
        CamelJBangMain.run(args);
    }
}
