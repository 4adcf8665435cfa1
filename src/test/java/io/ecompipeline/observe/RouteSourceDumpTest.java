package io.ecompipeline.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.ecompipeline.support.RouteTestContext;
import org.apache.camel.CamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RoutesDefinition;
import org.apache.camel.spi.ModelToYAMLDumper;
import org.apache.camel.support.PluginHelper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every shipped route has a YAML source for Hawtio's Source tab ({@link RouteSourceDumper}): its own block of its
 * routes file, comments and placeholders as written, and the whole-context dump holds every route.
 */
@Tag("route")
class RouteSourceDumpTest {

    @Test
    void everyRouteDumpsAsItsBlockOfTheRoutesFile() throws Exception {
        CamelContext context = shippedRoutes();
        ModelToYAMLDumper camels = PluginHelper.getModelToYAMLDumper(context);
        RouteSourceDumper dumper = new RouteSourceDumper(camels);
        List<RouteDefinition> routes = ((ModelCamelContext) context).getRouteDefinitions();
        assertThat(routes).hasSizeGreaterThan(30);
        for (RouteDefinition route : routes) {
            String yaml = dumper.dumpModelAsYaml(context, route);
            assertThat(yaml.replaceAll("(?m)^#.*\n", "")).as(route.getRouteId()).startsWith("- route:\n")
                    .contains("    id: " + route.getRouteId()).containsOnlyOnce("- route:");
        }
        // the place Camel's own dump fails (a method expression with ref), and why this class exists
        RouteDefinition poll = ((ModelCamelContext) context).getRouteDefinition("ingest-poll-s3");
        assertThatThrownBy(() -> camels.dumpModelAsYaml(context, poll)).hasMessageContaining("JsonParseException");
        assertThat(dumper.dumpModelAsYaml(context, poll)).contains("ref: arrivalRegistrar", "{{pipeline.bucket}}");

        RoutesDefinition all = new RoutesDefinition();
        all.setRoutes(new ArrayList<>(routes));
        String everything = dumper.dumpModelAsYaml(context, all);
        assertThat(everything.lines().filter(l -> l.equals("- route:"))).hasSize(routes.size());
    }

    @Test
    void aRouteKeepsTheCommentsJustAboveItAndStopsBeforeTheNextOnes() {
        String file = """
                # file header

                # what the first route does
                - route:
                    id: first
                    from:
                      uri: direct:a
                      steps:
                        - to: direct:b   # id: second is not this route's id

                # the second route
                - route:
                    id: second
                    from:
                      uri: direct:b
                """;
        assertThat(RouteSourceDumper.blockOf(file, "first")).isEqualTo("""
                # what the first route does
                - route:
                    id: first
                    from:
                      uri: direct:a
                      steps:
                        - to: direct:b   # id: second is not this route's id
                """);
        assertThat(RouteSourceDumper.blockOf(file, "second")).startsWith("# the second route\n- route:\n    id: second");
        assertThat(RouteSourceDumper.blockOf(file, "third")).isNull();
    }

    private static CamelContext shippedRoutes() throws Exception {
        CamelContext context = RouteTestContext.create();
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/routes"))) {
            for (Path file : files.sorted().toList()) {
                RouteTestContext.loadRoutes(context, file.getFileName().toString());
            }
        }
        return context;
    }
}
