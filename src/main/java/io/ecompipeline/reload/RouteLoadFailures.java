package io.ecompipeline.reload;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.ecompipeline.common.Errors;
import io.ecompipeline.common.StartupException;
import org.apache.camel.CamelContext;
import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.FailedToStartRouteException;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;

/**
 * A start that failed on a routes file which is YAML but not a valid route (an unknown step, a misspelt option, an
 * endpoint no component serves), told in one line naming the file, instead of Camel's exception and stack trace:
 * the operator who edited the file learns which one and where, and the start ends with exit code 3 like the other
 * start-up refusals.
 */
public final class RouteLoadFailures {

    /** The YAML DSL's position text: {@code ... in file:/x/ingest.camel.yaml, line 47, column 31:}. */
    private static final Pattern POSITION = Pattern.compile(
            "(?s)^(.*?)\\s+in (?:file:|classpath:)?(\\S+?\\.ya?ml), line (\\d+), column (\\d+)");

    private RouteLoadFailures() {
    }

    /** The start-up failure that names the routes file, or null when the error is not about a route. */
    public static StartupException explain(Throwable error, CamelContext context) {
        for (Throwable t : (Iterable<Throwable>) Errors.chain(error)::iterator) {
            Matcher position = t.getMessage() == null ? null : POSITION.matcher(t.getMessage());
            if (position != null && position.find()) {
                return new StartupException("Routes file " + position.group(2) + " could not be loaded: "
                        + oneLine(position.group(1)) + " (line " + position.group(3) + ", column " + position.group(4)
                        + ")", null);
            }
        }
        String routeId = routeIdOf(error);
        if (routeId != null) {
            return new StartupException("Route " + routeId + fileOf(context, routeId) + " could not be started: "
                    + oneLine(rootCause(error)), null);
        }
        return null;
    }

    private static String routeIdOf(Throwable error) {
        FailedToCreateRouteException create = Errors.find(error, FailedToCreateRouteException.class);
        if (create != null) {
            return create.getRouteId();
        }
        FailedToStartRouteException start = Errors.find(error, FailedToStartRouteException.class);
        return start != null ? start.getRouteId() : null;
    }

    private static String fileOf(CamelContext context, String routeId) {
        RouteDefinition route = context instanceof ModelCamelContext model ? model.getRouteDefinition(routeId) : null;
        if (route == null || route.getResource() == null) {
            return "";
        }
        return " (routes file " + route.getResource().getLocation().replaceFirst("^file:", "") + ")";
    }

    private static String rootCause(Throwable error) {
        Throwable root = Errors.chain(error).reduce((first, second) -> second).orElse(error);
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }

    private static String oneLine(String text) {
        return text.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
