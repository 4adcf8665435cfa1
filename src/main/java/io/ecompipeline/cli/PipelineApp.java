package io.ecompipeline.cli;

import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

/** The Camel Main application, started for the life of one command. */
public final class PipelineApp implements AutoCloseable {

    private final Main main = new Main();

    /** {@code overrides} win over application.properties, system properties and environment variables. */
    public PipelineApp(Map<String, String> overrides) {
        overrides.forEach(main::addOverrideProperty);
    }

    public CamelContext start() throws Exception {
        main.start();
        return main.getCamelContext();
    }

    public int runForever() throws Exception {
        main.run();
        return main.getExitCode();
    }

    public <T> T bean(String name, Class<T> type) {
        T bean = main.getCamelContext().getRegistry().lookupByNameAndType(name, type);
        if (bean == null) {
            throw new IllegalStateException("No bean " + name + " of type " + type.getSimpleName());
        }
        return bean;
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    @Override
    public void close() throws Exception {
        main.stop();
    }
}
