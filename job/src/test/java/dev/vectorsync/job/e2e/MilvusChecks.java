package dev.vectorsync.job.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vectorsync.text.TextNormalizer;

import io.milvus.v2.client.MilvusClientV2;
import org.assertj.core.api.SoftAssertions;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Compares collections with a scenario's expected rows, field by field and vector by vector. */
final class MilvusChecks implements AutoCloseable {

    final MilvusClientV2 client;

    MilvusChecks(MilvusClientV2 client) {
        this.client = client;
    }

    void assertPosts(String collection, Scenario scenario, ReferenceEmbedder reference) throws Exception {
        Map<Long, Map<String, Object>> rows = MilvusRows.all(client, collection);
        Map<Long, ObjectNode> expected = scenario.expectedPosts();
        assertThat(rows.keySet()).as("post ids in %s", collection).containsExactlyInAnyOrderElementsOf(expected.keySet());

        SoftAssertions soft = new SoftAssertions();
        for (Map.Entry<Long, ObjectNode> entry : expected.entrySet()) {
            long id = entry.getKey();
            JsonNode data = entry.getValue();
            Map<String, Object> row = rows.get(id);
            String title = text(data, "title", 1024);
            String description = text(data, "description", 16384);
            String address = text(data, "address", 1024);

            soft.assertThat(row.get("title")).as("title of %d", id).isEqualTo(title);
            soft.assertThat(row.get("description")).as("description of %d", id).isEqualTo(description);
            soft.assertThat(row.get("address_text")).as("address of %d", id).isEqualTo(address);
            soft.assertThat(row.get("price")).as("price of %d", id).isEqualTo(longOrNull(data, "price"));
            soft.assertThat(row.get("area")).as("area of %d", id).isEqualTo(doubleOrNull(data, "area"));
            soft.assertThat(row.get("city")).as("city of %d", id).isEqualTo(nullableText(data, "city", 256));
            soft.assertThat(row.get("district")).as("district of %d", id).isEqualTo(nullableText(data, "district", 256));
            soft.assertThat(row.get("ward")).as("ward of %d", id).isEqualTo(nullableText(data, "ward", 256));
            soft.assertThat(row.get("status")).as("status of %d", id).isEqualTo(data.get("status").asText());
            soft.assertThat(row.get("category")).as("category of %d", id).isEqualTo(nullableText(data, "category", 128));
            soft.assertThat(row.get("user_id")).as("owner of %d", id).isEqualTo(longOrNull(data, "userId"));
            soft.assertThat(row.get("created_at")).as("created_at of %d", id).isEqualTo(longOrNull(data, "createdAt"));
            Long version = scenario.expectedPostVersions().get(id);
            if (version != null) {
                soft.assertThat(row.get("source_version")).as("source_version of %d", id).isEqualTo(version);
            }

            String embedded = joinLines(title, description, address);
            soft.assertThat(row.get("text_hash")).as("text_hash of %d", id).isEqualTo(sha256(embedded));
            soft.assertThat(row.get("embedding_model")).as("model of %d", id).isEqualTo("bge-small-en-v1.5");
            soft.assertThat(row.get("embedding_dim")).as("dimension of %d", id).isEqualTo(384);
            double cosine = ReferenceEmbedder.cosine(MilvusRows.vector(row, "dense_vector"), reference.embed(embedded));
            soft.assertThat(cosine).as("cosine of the vector of %d with its final text", id).isGreaterThanOrEqualTo(0.999);
        }
        soft.assertAll();
    }

    void assertUsers(String collection, Scenario scenario) {
        Map<Long, Map<String, Object>> rows = MilvusRows.all(client, collection);
        Map<Long, ObjectNode> expected = scenario.expectedUsers();
        assertThat(rows.keySet()).as("user ids in %s", collection).containsExactlyInAnyOrderElementsOf(expected.keySet());
        for (Map.Entry<Long, ObjectNode> entry : expected.entrySet()) {
            Map<String, Object> row = rows.get(entry.getKey());
            JsonNode data = entry.getValue();
            assertThat(row.get("bio")).isEqualTo(data.get("bio").asText());
            assertThat(row.get("preferred_city")).isEqualTo(data.get("preferredCity").asText());
            assertThat(row.get("preferred_district")).isEqualTo(data.get("preferredDistrict").asText());
            assertThat(row.get("budget_max")).isEqualTo(data.get("budgetMax").asLong());
            assertThat(row).doesNotContainKey("phone");
            assertThat(MilvusRows.vector(row, "user_embedding")).hasSize(384);
        }
    }

    private static String text(JsonNode data, String field, int maxBytes) {
        JsonNode value = data.get(field);
        if (value == null || value.isNull()) {
            return "";
        }
        String normalized = TextNormalizer.normalize(value.asText(), maxBytes);
        return normalized == null ? "" : normalized;
    }

    /** Scalar VARCHAR fields are nullable in Milvus: a missing value stays null. */
    private static String nullableText(JsonNode data, String field, int maxBytes) {
        String text = text(data, field, maxBytes);
        return text.isEmpty() ? null : text;
    }

    private static Long longOrNull(JsonNode data, String field) {
        JsonNode value = data.get(field);
        return value == null || value.isNull() ? null : value.asLong();
    }

    private static Double doubleOrNull(JsonNode data, String field) {
        JsonNode value = data.get(field);
        return value == null || value.isNull() ? null : value.asDouble();
    }

    private static String joinLines(String... parts) {
        List<String> present = new ArrayList<>();
        for (String part : parts) {
            if (!part.isEmpty()) {
                present.add(part);
            }
        }
        return String.join("\n", present);
    }

    private static String sha256(String text) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest);
    }

    @Override
    public void close() {
        client.close();
    }
}
