package dev.vectorsync.job.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * Builds job payloads in the backend's format ({@code {"operation":...,"postId":...,"data":{...}}})
 * from listings, as the Node.js backend would after writing the post row.
 */
public final class PostPayloads {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private PostPayloads() {}

    /** Builds the whole-row data object of {@code listing} with the given status and owner. */
    public static ObjectNode data(Listing listing, String status, long ownerId) {
        ObjectNode data = MAPPER.createObjectNode();
        data.put("title", listing.title);
        data.put("description", listing.description);
        if (listing.priceVnd != null) {
            data.put("price", listing.priceVnd);
        }
        if (listing.areaM2 != null) {
            data.put("area", listing.areaM2);
        }
        data.put("address", listing.address);
        data.put("ward", listing.ward);
        data.put("district", listing.district);
        data.put("city", listing.city);
        data.put("category", listing.category);
        data.put("status", status);
        data.put("userId", ownerId);
        if (listing.postedAt != null) {
            long millis =
                    LocalDate.parse(listing.postedAt).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
            data.put("createdAt", millis);
            data.put("updatedAt", millis);
        }
        return data;
    }

    /** Builds a payload for {@code operation} on post {@code postId}, without {@code version} when it is null. */
    public static String payload(String operation, long postId, Long version, ObjectNode data) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("operation", operation);
        root.put("postId", postId);
        if (version != null) {
            root.put("version", version);
        }
        if (data != null) {
            root.set("data", data);
        }
        return root.toString();
    }
}
