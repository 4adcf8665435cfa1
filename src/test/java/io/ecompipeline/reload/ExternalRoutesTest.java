package io.ecompipeline.reload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.ecompipeline.support.TestPipeline;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Routes loaded from an operator's folder and reloaded live when a file there changes. */
class ExternalRoutesTest {

    @TempDir
    Path routes;

    @Test
    void routesComeFromTheFolderAndReloadWhenEdited() throws Exception {
        for (String name : new String[] {"ingest.camel.yaml", "batch.camel.yaml", "kpi.camel.yaml", "curated.camel.yaml"}) {
            Files.copy(Path.of("src/main/resources/routes", name), routes.resolve(name));
        }
        try (TestPipeline pipeline = TestPipeline.fresh(Map.of("pipeline.routes.dir", routes.toString()))) {
            CamelContext context = pipeline.app().context();
            int routeCount = context.getRoutes().size();
            assertThat(context.getRoute("finish-batch").getDescription())
                    .isEqualTo("Writes the rejected rows and the quality report, archives or quarantines every file");

            Path batch = routes.resolve("batch.camel.yaml");
            Files.writeString(batch, Files.readString(batch).replace(
                    "Writes the rejected rows and the quality report, archives or quarantines every file",
                    "Edited by an operator"));
            // the reload removes the file's routes and adds them again one by one: wait for the last too
            await("the edited batch.camel.yaml reloaded").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                    .until(() -> "Edited by an operator".equals(description(context, "finish-batch"))
                            && context.getRoutes().size() == routeCount);
            assertThat(context.getRoute("finish-batch").getDescription()).isEqualTo("Edited by an operator");
            assertThat(context.getRoutes()).hasSize(routeCount);
        }
    }

    private static String description(CamelContext context, String routeId) {
        Route route = context.getRoute(routeId);
        return route == null ? null : route.getDescription();
    }
}
