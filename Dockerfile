# syntax=docker/dockerfile:1
# ecom-pipeline's production image: the app jar, its runtime dependencies (none of the embedded test servers) and
# the bundled YAML routes in /etc/ecom-pipeline/routes, where Kubernetes mounts the routes ConfigMap instead.
#   docker build -t ecom-pipeline .        (or: podman build -t ecom-pipeline . / buildah bud -t ecom-pipeline .)
#   docker run --rm ecom-pipeline help
# See docs/deploying-aws.md.

# --- build: the same Maven build as on a workstation, tests skipped (they run in CI, and need no image)
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY src ./src
# the state machines, packaged into the jar for provisioning (pom.xml resources)
COPY asl ./asl
# maven.test.skip also skips compiling the tests; skipTests also turns off the browser tests' npm install
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -DskipTests -Dmaven.test.skip=true package

# --- runtime: a JRE, curl for the container health check, a non-root user
FROM eclipse-temurin:17-jre
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 ecom \
    && useradd --system --uid 10001 --gid ecom --home-dir /app --shell /usr/sbin/nologin ecom
WORKDIR /app
COPY --from=build /src/target/lib/ /app/lib/
COPY --from=build /src/target/ecom-pipeline.jar /app/ecom-pipeline.jar
COPY --from=build /src/src/main/resources/routes/ /etc/ecom-pipeline/routes/

# the routes are read from this folder and reloaded when it changes (docs/operating.md "Editing routes live")
ENV PIPELINE_ROUTES_DIR=/etc/ecom-pipeline/routes \
    PIPELINE_MANAGEMENT_HOST=0.0.0.0 \
    PIPELINE_MANAGEMENT_PORT=9876 \
    JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -XX:+UseG1GC -Dfile.encoding=UTF-8"
# health, metrics and Jolokia (the management server); the KPI dashboard stays on loopback (docs/operating.md)
EXPOSE 9876
# the only place the app writes (snappy's native library, Vert.x's file cache, spooled rejected rows, JVM perf data),
# so the root filesystem can be read-only; ECS copies this folder's permissions (1777) to the task's volume
VOLUME ["/tmp"]
USER 10001:10001
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD curl -fsS "http://127.0.0.1:${PIPELINE_MANAGEMENT_PORT}/observe/health/live" || exit 1
# exec: java is PID 1 and gets SIGTERM itself (graceful Camel shutdown); JAVA_OPTS is split by the shell on purpose
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -cp '/app/ecom-pipeline.jar:/app/lib/*' io.ecompipeline.Application \"$@\"", "ecom-pipeline"]
CMD ["run"]
