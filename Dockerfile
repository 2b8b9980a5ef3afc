# Two stages: build the fat jar with Maven, run it on a JRE.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:17-jre
WORKDIR /app
COPY --from=build /src/target/arcp-gateway.jar /app/arcp-gateway.jar
COPY conf /app/conf
EXPOSE 8080
# Inside a container the gateway must bind beyond loopback, so it needs tokens: pass --token NAME:TOKEN
# (or tokens in a mounted config) and the Host names clients use in allowed_hosts.
ENTRYPOINT ["java", "-jar", "/app/arcp-gateway.jar", "serve", "--config", "/app/conf/gateway.json", "--host", "0.0.0.0"]
