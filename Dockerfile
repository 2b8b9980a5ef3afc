# Two stages: build the fat jar with Maven, run it on a JRE as a non-root user.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:17-jre
# curl for the HEALTHCHECK; the gateway runs as an unprivileged user that owns nothing but /app/data
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 arcp && useradd --system --uid 10001 --gid arcp --home-dir /app arcp \
    && mkdir -p /app/data && chown arcp:arcp /app/data
WORKDIR /app
COPY --from=build /src/target/arcp-gateway.jar /app/arcp-gateway.jar
COPY conf /app/conf
USER arcp:arcp
# Every setting comes from an ARCP_* variable (ARCP_ + the config-file key in upper case, dots as underscores):
# pass the tokens at run time, e.g. -e ARCP_TOKENS=alice:s3cret, and the Host names clients use in
# ARCP_ALLOWED_HOSTS. Inside a container the gateway must bind beyond loopback, so it refuses to start without
# a token.
ENV ARCP_CONFIG=/app/conf/gateway.json \
    ARCP_HOST=0.0.0.0 \
    ARCP_PORT=8080 \
    ARCP_BRIDGE_HOST=0.0.0.0 \
    ARCP_BRIDGE_PORT=7070 \
    ARCP_LOG_FORMAT=json
# 8080: ARCP WebSocket at /arcp, and /health, /ready and /metrics on the same listener; 7070: the agent bridge;
# 5701: Hazelcast, when the container is a cluster node (ARCP_CLUSTER_ENABLED=true, ARCP_CLUSTER_HOST set to the
# container's --hostname, ARCP_CLUSTER_MEMBERS the nodes' NAME:5701); the clustered event bus takes a free port
# that the other nodes learn through Hazelcast, so the nodes share one Docker network rather than published ports
EXPOSE 8080 7070 5701
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD curl -fsS "http://127.0.0.1:${ARCP_PORT}/ready" || exit 1
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/arcp-gateway.jar", "serve"]
