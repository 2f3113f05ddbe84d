package dev.vectorsync.job.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.api.common.JobID;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a job's operator metrics through the REST API of the in-process cluster, the way an
 * operator's dashboard would, so that the benchmark counts model calls without reaching into the
 * job's objects.
 */
final class JobMetrics {

    /** Set as {@code metrics.fetcher.update-interval} of the in-process cluster. */
    static final Duration FETCH_INTERVAL = Duration.ofMillis(500);

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private final JobID jobId;

    JobMetrics(int restPort, JobID jobId) {
        this.baseUrl = "http://127.0.0.1:" + restPort;
        this.jobId = jobId;
    }

    /**
     * Sums the metric whose id ends with {@code suffix} (for example {@code
     * .embedding.embeddedActions}) over all subtasks of the vertex whose name contains {@code
     * vertexName}.
     *
     * @throws IllegalStateException when the vertex does not report such a metric
     */
    long sum(String vertexName, String suffix) throws IOException, InterruptedException {
        String vertex = vertexId(vertexName);
        String prefix = "/jobs/" + jobId + "/vertices/" + vertex + "/subtasks/metrics";
        // The REST endpoint returns values from a store that each request schedules to refresh,
        // so the first request triggers the refresh and the second one reads its result.
        get(prefix);
        Thread.sleep(2 * FETCH_INTERVAL.toMillis() + 200);
        String metricId = null;
        List<String> ids = new ArrayList<>();
        for (JsonNode metric : get(prefix)) {
            ids.add(metric.path("id").asText());
            if (metric.path("id").asText().endsWith(suffix)) {
                metricId = metric.path("id").asText();
            }
        }
        if (metricId == null) {
            throw new IllegalStateException(
                    "vertex '" + vertexName + "' of job " + jobId + " reports no metric ending with " + suffix
                            + "; it reports " + ids);
        }
        JsonNode values = get(prefix + "?get=" + metricId + "&agg=sum");
        return values.size() == 0 ? 0 : (long) values.get(0).path("sum").asDouble();
    }

    private String vertexId(String vertexName) throws IOException, InterruptedException {
        for (JsonNode vertex : get("/jobs/" + jobId).path("vertices")) {
            if (vertex.path("name").asText().contains(vertexName)) {
                return vertex.path("id").asText();
            }
        }
        throw new IllegalStateException(
                "job " + jobId + " has no vertex named like '" + vertexName + "'; the pipeline's operator"
                        + " names changed, so update the benchmark");
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response =
                http.send(
                        HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(
                    "GET " + baseUrl + path + " returned HTTP " + response.statusCode() + ": " + response.body());
        }
        return MAPPER.readTree(response.body());
    }
}
