package dev.vectorsync.job.demo;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One rental listing in the listings JSON Lines format: {@code source_id}, {@code title},
 * {@code description}, {@code price_vnd}, {@code area_m2}, {@code address}, {@code ward},
 * {@code district}, {@code city}, {@code category} and {@code posted_at} (ISO date). Used to feed
 * the demo and the tests with realistic posts.
 */
public final class Listing {

    public final String sourceId;
    public final String title;
    public final String description;
    public final Long priceVnd;
    public final Double areaM2;
    public final String address;
    public final String ward;
    public final String district;
    public final String city;
    public final String category;
    /** ISO date such as 2022-08-10, or null. */
    public final String postedAt;

    private Listing(JsonNode node) {
        sourceId = text(node, "source_id");
        title = text(node, "title");
        description = text(node, "description");
        priceVnd = node.hasNonNull("price_vnd") ? node.get("price_vnd").asLong() : null;
        areaM2 = node.hasNonNull("area_m2") ? node.get("area_m2").asDouble() : null;
        address = text(node, "address");
        ward = text(node, "ward");
        district = text(node, "district");
        city = text(node, "city");
        category = text(node, "category");
        postedAt = text(node, "posted_at");
    }

    static Listing fromJson(JsonNode node) {
        return new Listing(node);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
