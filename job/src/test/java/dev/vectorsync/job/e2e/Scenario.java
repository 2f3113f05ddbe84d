package dev.vectorsync.job.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vectorsync.job.demo.Listing;
import dev.vectorsync.job.demo.PostPayloads;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sequence of stream entries together with the rows Milvus must hold once they are all synced.
 * Tests add writes through the methods below, which keep the expected state in step, then send
 * {@link #entries()} to Redis.
 */
final class Scenario {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** One XADD: the stream and the entry's fields. */
    static final class Entry {
        final String stream;
        final Map<String, String> fields;
        final String expectedReason;

        Entry(String stream, Map<String, String> fields, String expectedReason) {
            this.stream = stream;
            this.fields = fields;
            this.expectedReason = expectedReason;
        }
    }

    private final String postStream;
    private final String userStream;
    private final List<Entry> entries = new ArrayList<>();
    private final Map<Long, ObjectNode> expectedPosts = new LinkedHashMap<>();
    private final Map<Long, Long> expectedPostVersions = new LinkedHashMap<>();
    private final Map<Long, ObjectNode> expectedUsers = new LinkedHashMap<>();

    Scenario(String postStream, String userStream) {
        this.postStream = postStream;
        this.userStream = userStream;
    }

    /** Writes post {@code id} and records it as expected when its status is publishable. */
    void writePost(String operation, long id, Long version, ObjectNode data) {
        entries.add(job(postStream, PostPayloads.payload(operation, id, version, data), null));
        String status = data.get("status").asText();
        if (status.equals("approved") || status.equals("active")) {
            expectedPosts.put(id, data.deepCopy());
            expectedPostVersions.put(id, version);
        } else {
            expectedPosts.remove(id);
            expectedPostVersions.remove(id);
        }
    }

    void deletePost(long id, Long version) {
        entries.add(job(postStream, PostPayloads.payload("delete", id, version, null), null));
        expectedPosts.remove(id);
        expectedPostVersions.remove(id);
    }

    /** Sends a write that latest-write-wins must drop; the expected state is unchanged. */
    void sendStalePost(String operation, long id, Long version, ObjectNode data) {
        entries.add(job(postStream, PostPayloads.payload(operation, id, version, data), null));
    }

    void writeUser(String operation, long id, long version, ObjectNode data) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("operation", operation);
        root.put("userId", id);
        root.put("version", version);
        root.set("data", data);
        entries.add(job(userStream, root.toString(), null));
        expectedUsers.put(id, data.deepCopy());
    }

    void deleteUser(long id, long version) {
        entries.add(
                job(userStream, "{\"operation\":\"delete\",\"userId\":" + id + ",\"version\":" + version + "}", null));
        expectedUsers.remove(id);
    }

    /** Sends an invalid entry that must reach the dead-letter stream with {@code reasonFragment}. */
    void sendInvalid(boolean toUserStream, Map<String, String> fields, String reasonFragment) {
        entries.add(new Entry(toUserStream ? userStream : postStream, fields, reasonFragment));
    }

    void sendInvalidJob(String payload, String reasonFragment) {
        sendInvalid(false, Map.of("job", payload), reasonFragment);
    }

    static ObjectNode postData(Listing listing, String status, long ownerId) {
        return PostPayloads.data(listing, status, ownerId);
    }

    static ObjectNode userData(String bio, String city, String district, long budgetMax) {
        ObjectNode data = MAPPER.createObjectNode();
        data.put("bio", bio);
        data.put("preferredCity", city);
        data.put("preferredDistrict", district);
        data.put("preferredCategory", "phong-tro");
        data.put("budgetMin", 1_000_000L);
        data.put("budgetMax", budgetMax);
        data.put("phone", "0900000000");
        return data;
    }

    List<Entry> entries() {
        return entries;
    }

    List<Entry> invalidEntries() {
        List<Entry> invalid = new ArrayList<>();
        for (Entry entry : entries) {
            if (entry.expectedReason != null) {
                invalid.add(entry);
            }
        }
        return invalid;
    }

    Map<Long, ObjectNode> expectedPosts() {
        return expectedPosts;
    }

    Map<Long, Long> expectedPostVersions() {
        return expectedPostVersions;
    }

    Map<Long, ObjectNode> expectedUsers() {
        return expectedUsers;
    }

    private static Entry job(String stream, String payload, String reason) {
        return new Entry(stream, Map.of("job", payload), reason);
    }
}
