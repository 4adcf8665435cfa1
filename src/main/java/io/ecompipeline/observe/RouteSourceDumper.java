package io.ecompipeline.observe;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.apache.camel.CamelContext;
import org.apache.camel.NamedNode;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RoutesDefinition;
import org.apache.camel.spi.ModelToYAMLDumper;
import org.apache.camel.spi.Resource;

/**
 * The YAML a console shows for a route (Hawtio's Source tab, {@code dumpRouteAsYaml()} and
 * {@code dumpRoutesAsYaml()} over JMX): the route's block as written in its routes file, comments and placeholders
 * included, so the operator reads what they would edit. Camel 4.17's own dumper ({@code camel-yaml-io}) rebuilds the
 * YAML from the model and fails with a {@code JsonParseException} on every route holding a {@code method} expression
 * written with {@code ref} (it keys the expression by a language that is null); it is still used for what is not a
 * route from a YAML file (routes added in Java, beans, data formats).
 */
public final class RouteSourceDumper implements ModelToYAMLDumper {

    private static final Pattern ROUTE_ID = Pattern.compile("^\\s+id:\\s*\"?([^\"#\\s]+)\"?\\s*(#.*)?$");

    private final ModelToYAMLDumper model;

    public RouteSourceDumper(ModelToYAMLDumper model) {
        this.model = model;
    }

    @Override
    public String dumpModelAsYaml(CamelContext context, NamedNode definition) throws Exception {
        return dumpModelAsYaml(context, definition, false, false, false, false);
    }

    @Override
    public String dumpModelAsYaml(CamelContext context, NamedNode definition, boolean resolvePlaceholders,
            boolean uriAsParameters, boolean generatedIds, boolean sourceLocation) throws Exception {
        List<RouteDefinition> routes = definition instanceof RoutesDefinition all ? all.getRoutes()
                : definition instanceof RouteDefinition one ? List.of(one) : List.of();
        if (routes.isEmpty() || resolvePlaceholders) {
            return model.dumpModelAsYaml(context, definition, resolvePlaceholders, uriAsParameters, generatedIds,
                    sourceLocation);
        }
        StringBuilder yaml = new StringBuilder();
        for (RouteDefinition route : routes) {
            String block = sourceOf(route);
            yaml.append(block != null ? block : model.dumpModelAsYaml(context, route, false, uriAsParameters,
                    generatedIds, sourceLocation));
        }
        return yaml.toString();
    }

    @Override
    public String dumpBeansAsYaml(CamelContext context, List<Object> beans) throws Exception {
        return model.dumpBeansAsYaml(context, beans);
    }

    @Override
    public String dumpDataFormatsAsYaml(CamelContext context, Map<String, Object> dataFormats) throws Exception {
        return model.dumpDataFormatsAsYaml(context, dataFormats);
    }

    /** The route's top-level item in its YAML resource, with the comment lines just above it; null if not found. */
    static String sourceOf(RouteDefinition route) throws IOException {
        Resource resource = route.getResource();
        if (resource == null || route.getRouteId() == null || !resource.getLocation().matches("(?i).*\\.ya?ml$")
                || !resource.exists()) {
            return null;
        }
        try (InputStream in = resource.getInputStream()) {
            return blockOf(new String(in.readAllBytes(), StandardCharsets.UTF_8), route.getRouteId());
        }
    }

    /** The top-level list item ({@code - route:} and what it holds) whose {@code id:} is the given one. */
    static String blockOf(String yaml, String routeId) {
        List<String> lines = yaml.lines().toList();
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("- ")) {
                starts.add(i);
            }
        }
        for (int s = 0; s < starts.size(); s++) {
            int start = starts.get(s);
            int end = s + 1 < starts.size() ? starts.get(s + 1) : lines.size();
            boolean found = false;
            for (int i = start; i < end && !found; i++) {
                var id = ROUTE_ID.matcher(lines.get(i));
                found = id.matches() && id.group(1).equals(routeId) && indentOf(lines.get(i)) <= 4;
            }
            if (found) {
                while (end > start && (lines.get(end - 1).isBlank() || lines.get(end - 1).startsWith("#"))) {
                    end--; // the comments above the next item belong to it
                }
                int from = start;
                while (from > 0 && lines.get(from - 1).startsWith("#")) {
                    from--;
                }
                return String.join("\n", lines.subList(from, end)) + "\n";
            }
        }
        return null;
    }

    private static int indentOf(String line) {
        int n = 0;
        while (n < line.length() && line.charAt(n) == ' ') {
            n++;
        }
        return n;
    }
}
