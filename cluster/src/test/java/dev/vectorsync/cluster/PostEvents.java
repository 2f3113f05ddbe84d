package dev.vectorsync.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;

import java.util.Map;
import java.util.TreeMap;

/**
 * Writes post change events to a Redis stream as the backend does and keeps the title that
 * Milvus must hold for each post once everything is synced.
 */
final class PostEvents {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String stream;
    private final Map<Long, String> expectedTitles = new TreeMap<>();

    PostEvents(String stream) {
        this.stream = stream;
    }

    /** Inserts or updates posts {@code from..to} (inclusive) at {@code version}. */
    void upsert(Jedis jedis, long from, long to, long version) {
        for (long id = from; id <= to; id++) {
            String title = "Phòng trọ " + id + " quận 7, bản " + version;
            ObjectNode data = MAPPER.createObjectNode();
            data.put("title", title);
            data.put("description", "Phòng " + (15 + id % 20) + " m², gần chợ, giờ giấc tự do.");
            data.put("address", id + " Nguyễn Thị Thập");
            data.put("district", "Quận 7");
            data.put("city", "Hồ Chí Minh");
            data.put("status", "approved");
            data.put("price", 2_000_000L + id * 10_000L);
            send(jedis, "upsert", id, version, data);
            expectedTitles.put(id, title);
        }
    }

    void delete(Jedis jedis, long from, long to, long version) {
        for (long id = from; id <= to; id++) {
            send(jedis, "delete", id, version, null);
            expectedTitles.remove(id);
        }
    }

    /** Title by post id of every post that must be in Milvus. */
    Map<Long, String> expectedTitles() {
        return new TreeMap<>(expectedTitles);
    }

    private void send(Jedis jedis, String operation, long id, long version, ObjectNode data) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("operation", operation);
        root.put("postId", id);
        root.put("version", version);
        if (data != null) {
            root.set("data", data);
        }
        jedis.xadd(stream, StreamEntryID.NEW_ENTRY, Map.of("job", root.toString()));
    }
}
