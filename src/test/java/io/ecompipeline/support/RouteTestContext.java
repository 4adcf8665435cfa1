package io.ecompipeline.support;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;

/**
 * A bare Camel context for the route tests: the shipped {@code application.properties} for the placeholders, no
 * beans (each test binds its stubs), and the YAML routes loaded as shipped once the stubs are bound.
 */
public final class RouteTestContext {

    private RouteTestContext() {
    }

    public static CamelContext create() {
        CamelContext context = new DefaultCamelContext();
        context.getPropertiesComponent().setLocation("classpath:application.properties");
        return context;
    }

    /** Loads {@code src/main/resources/routes/<file>} into the context (not started). */
    public static void loadRoutes(CamelContext context, String file) throws Exception {
        PluginHelper.getRoutesLoader(context).loadRoutes(
                PluginHelper.getResourceLoader(context).resolveResource("classpath:routes/" + file));
    }
}
