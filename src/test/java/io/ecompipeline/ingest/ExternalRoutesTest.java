package io.ecompipeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.ecompipeline.support.TestPipeline;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Routes loaded from an operator's folder and reloaded live when a file there changes. */
class ExternalRoutesTest {

    @TempDir
    Path routes;

    @Test
    void routesComeFromTheFolderAndReloadWhenEdited() throws Exception {
        for (String name : new String[] {"ingest.camel.yaml", "batch.camel.yaml", "kpi.camel.yaml"}) {
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
            long deadline = System.currentTimeMillis() + 15_000;
            // the reload removes the file's routes and adds them again one by one: wait for the last too
            while (!("Edited by an operator".equals(context.getRoute("finish-batch") == null ? null
                    : context.getRoute("finish-batch").getDescription()) && context.getRoutes().size() == routeCount)
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(200);
            }
            assertThat(context.getRoute("finish-batch").getDescription()).isEqualTo("Edited by an operator");
            assertThat(context.getRoutes()).hasSize(routeCount);
        }
    }
}
