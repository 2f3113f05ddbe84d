package dev.vectorsync.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.vectorsync.job.config.JobConfigLoader;
import dev.vectorsync.job.config.JobSettings;
import dev.vectorsync.job.config.VectorSyncOptions;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks compose/docker-compose.yml against flink-conf/config.yaml, the job configuration of the
 * stack and the build, because no Docker engine runs the stack in these tests.
 */
class ComposeStackTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static Path root;
    private static JsonNode services;
    private static Map<String, String> flinkConfig;
    private static String composeText;

    @BeforeAll
    static void readFiles() throws IOException {
        root = Path.of(System.getProperty("vectorsync.root")).toRealPath();
        composeText = Files.readString(root.resolve("compose/docker-compose.yml"));
        // SnakeYAML resolves the merge key (<<: *flink-common), which Jackson's YAML parser does not.
        Object compose = new Yaml().load(composeText);
        services = new ObjectMapper().valueToTree(compose).path("services");
        flinkConfig = flatYaml(root.resolve("flink-conf/config.yaml"));
    }

    @Test
    void everyImagePinned() {
        Pattern pinned = Pattern.compile("[^:@]+(:[^:]*\\d[^:]*|@sha256:[0-9a-f]{64})");
        for (String name : serviceNames()) {
            String image = service(name).path("image").asText("");
            assertThat(image).as("image of %s", name).isNotEmpty().matches(pinned).doesNotContain("latest");
        }
    }

    @Test
    void versionsMatchBuild() throws IOException {
        String pom = Files.readString(root.resolve("pom.xml"));
        String flinkVersion = between(pom, "<flink.version>", "</flink.version>");

        for (String name : List.of("jobmanager", "taskmanager", "submit-job")) {
            assertThat(service(name).path("image").asText()).as("image of %s", name)
                    .startsWith("flink:" + flinkVersion + "-").endsWith("-java17");
        }
        assertThat(service("milvus").path("image").asText()).startsWith("milvusdb/milvus:v2.6.");
        assertThat(service("sqlserver").path("image").asText()).startsWith("mcr.microsoft.com/mssql/server:2022-");
    }

    @Test
    void sqlServerRunsAgentAndInitScript() {
        JsonNode sqlserver = service("sqlserver");

        assertThat(sqlserver.path("environment").path("MSSQL_AGENT_ENABLED").asText()).isEqualTo("true");
        assertThat(strings(sqlserver.path("volumes"))).anyMatch(volume -> volume.startsWith("./sqlserver/init.sql:"));
    }

    @Test
    void jobHostsAreServiceNames() throws Exception {
        Path jobConfig = root.resolve("compose/vector-sync.yaml");
        JobSettings settings = JobConfigLoader.load(new String[] {"--config", jobConfig.toString()});

        assertThat(serviceNames()).contains(settings.get(VectorSyncOptions.REDIS_HOST));
        assertThat(containerPorts("redis")).contains(settings.get(VectorSyncOptions.REDIS_PORT));
        URI milvus = URI.create(settings.get(VectorSyncOptions.MILVUS_URI));
        assertThat(serviceNames()).contains(milvus.getHost());
        assertThat(containerPorts("milvus")).contains(milvus.getPort());
    }

    @Test
    void submitterUsesJobJarAndConfig() throws IOException {
        String pom = Files.readString(root.resolve("pom.xml"));
        String version = between(pom, "<version>", "</version>");
        JsonNode submitter = service("submit-job");
        List<String> volumes = strings(submitter.path("volumes"));
        String command = String.join(" ", strings(submitter.path("command")));

        assertThat(volumes).contains("../job/target/vector-sync-job-" + version + "-cluster.jar:/vector-sync/vector-sync-job.jar:ro");
        assertThat(volumes).contains("./vector-sync.yaml:/vector-sync/vector-sync.yaml:ro");
        assertThat(command).contains("run -d", "-m jobmanager:" + flinkConfig.get("rest.port"), "/vector-sync/vector-sync-job.jar");
        assertThat(submitter.path("depends_on").path("jobmanager").path("condition").asText()).isEqualTo("service_healthy");
    }

    @Test
    void flinkServicesMatchClusterConfig() {
        JsonNode jobManager = service("jobmanager");
        JsonNode taskManager = service("taskmanager");
        Map<String, String> jobManagerProperties = properties(jobManager);
        Map<String, String> taskManagerProperties = properties(taskManager);

        assertThat(strings(jobManager.path("ports"))).anyMatch(port -> port.endsWith(":" + flinkConfig.get("rest.port")));
        assertThat(jobManagerProperties.get("jobmanager.rpc.address")).isEqualTo("jobmanager");
        assertThat(taskManagerProperties.get("jobmanager.rpc.address")).isEqualTo("jobmanager");
        assertThat(taskManagerProperties.get("taskmanager.host")).isEqualTo("taskmanager");
        // Checkpoints of the TaskManager must land where the JobManager reads them.
        assertThat(taskManagerProperties.get("execution.checkpointing.dir"))
                .isEqualTo(jobManagerProperties.get("execution.checkpointing.dir"))
                .startsWith("file:///flink-data/");
        for (JsonNode flink : List.of(jobManager, taskManager)) {
            List<String> volumes = strings(flink.path("volumes"));
            assertThat(volumes).contains("../flink-conf:/vector-sync/conf:ro", "flink-data:/flink-data");
            assertThat(volumes).contains("../cluster/target/flink/vector-sync-lib:/vector-sync/lib:ro");
        }
        assertThat(Files.isRegularFile(root.resolve("flink-conf/config.yaml"))).isTrue();
        assertThat(Files.isRegularFile(root.resolve("flink-conf/log4j.properties"))).isTrue();
    }

    @Test
    void taskManagerReservesConfiguredGpus() {
        JsonNode devices = service("taskmanager").path("deploy").path("resources").path("reservations").path("devices");

        assertThat(devices.isArray()).as("deploy.resources.reservations.devices of taskmanager").isTrue();
        JsonNode gpu = devices.get(0);
        assertThat(gpu.path("driver").asText()).isEqualTo("nvidia");
        assertThat(strings(gpu.path("capabilities"))).contains("gpu");
        assertThat(flinkConfig.get("external-resources")).isEqualTo("gpu");
        assertThat(gpu.path("count").asInt()).isEqualTo(Integer.parseInt(flinkConfig.get("external-resource.gpu.amount")));
    }

    @Test
    void envExampleDefinesEveryVariable() throws IOException {
        Set<String> defined = new LinkedHashSet<>();
        for (String line : Files.readAllLines(root.resolve("compose/.env.example"))) {
            if (line.matches("[A-Z_][A-Z0-9_]*=.*")) {
                defined.add(line.substring(0, line.indexOf('=')));
            }
        }
        Set<String> used = new LinkedHashSet<>();
        Matcher matcher = Pattern.compile("(?<!\\$)\\$\\{([A-Z_][A-Z0-9_]*)").matcher(composeText);
        while (matcher.find()) {
            used.add(matcher.group(1));
        }

        assertThat(used).isNotEmpty();
        assertThat(defined).containsAll(used);
    }

    @Test
    void publishedPortsBindLoopback() {
        for (String name : serviceNames()) {
            for (String port : strings(service(name).path("ports"))) {
                assertThat(port).as("published port of %s", name).startsWith("127.0.0.1:");
            }
        }
    }

    private static JsonNode service(String name) {
        JsonNode service = services.path(name);
        assertThat(service.isObject()).as("service %s in compose/docker-compose.yml", name).isTrue();
        return service;
    }

    private static List<String> serviceNames() {
        List<String> names = new ArrayList<>();
        services.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** Container-side ports of {@code host:port:container} entries. */
    private static List<Integer> containerPorts(String name) {
        List<Integer> ports = new ArrayList<>();
        for (String mapping : strings(service(name).path("ports"))) {
            ports.add(Integer.parseInt(mapping.substring(mapping.lastIndexOf(':') + 1)));
        }
        return ports;
    }

    private static Map<String, String> properties(JsonNode service) {
        Map<String, String> properties = new HashMap<>();
        for (String line : service.path("environment").path("FLINK_PROPERTIES").asText().split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                properties.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
            }
        }
        return properties;
    }

    private static List<String> strings(JsonNode node) {
        List<String> values = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(item -> values.add(item.asText()));
        }
        return values;
    }

    private static Map<String, String> flatYaml(Path file) throws IOException {
        Map<String, String> values = new HashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = YAML.readTree(file.toFile()).fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            values.put(field.getKey(), field.getValue().asText());
        }
        return values;
    }

    private static String between(String text, String start, String end) {
        int from = text.indexOf(start) + start.length();
        return text.substring(from, text.indexOf(end, from));
    }
}
