package dev.vectorsync.job.e2e;

import dev.vectorsync.job.demo.Listing;
import dev.vectorsync.text.TextNormalizer;

import io.milvus.v2.client.MilvusClientV2;
import org.assertj.core.api.SoftAssertions;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Writes listings into the {@code dbo.posts} table over plain JDBC, as the site's backend would,
 * and compares a Milvus collection with the table's publishable rows. The SQL is portable across
 * PostgreSQL and H2 in MSSQLServer mode.
 */
final class ListingTables {

    static final String POST_COLUMNS =
            "id, title, description, address, ward, district, city, status, category, price, area,"
                    + " user_id, created_at, updated_at";

    private ListingTables() {}

    static void insertPost(Connection connection, long id, Listing listing, String status) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO dbo.posts (" + POST_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setLong(1, id);
            insert.setString(2, listing.title);
            insert.setString(3, listing.description);
            insert.setString(4, listing.address);
            insert.setString(5, listing.ward);
            insert.setString(6, listing.district);
            insert.setString(7, listing.city);
            insert.setString(8, status);
            insert.setString(9, listing.category);
            insert.setBigDecimal(10, listing.priceVnd == null ? null : BigDecimal.valueOf(listing.priceVnd));
            insert.setBigDecimal(11, listing.areaM2 == null ? null : BigDecimal.valueOf(listing.areaM2).setScale(2, java.math.RoundingMode.HALF_UP));
            insert.setLong(12, 1000 + id % 50);
            insert.setObject(13, createdAt(listing));
            insert.setObject(14, LocalDateTime.of(2024, 5, 1, 8, 30).plusMinutes(id));
            insert.executeUpdate();
        }
    }

    static void insertUser(Connection connection, long id, String bio, String city, long budgetMax) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO dbo.users (id, bio, preferred_category, preferred_city, preferred_district,"
                        + " budget_min, budget_max, area_min, created_at, updated_at)"
                        + " VALUES (?, ?, 'phong-tro', ?, 'Quận 1', 1000000, ?, 15.5, ?, ?)")) {
            insert.setLong(1, id);
            insert.setString(2, bio);
            insert.setString(3, city);
            insert.setBigDecimal(4, BigDecimal.valueOf(budgetMax));
            insert.setObject(5, OffsetDateTime.of(2024, 1, 2, 9, 0, 0, 0, ZoneOffset.ofHours(7)));
            insert.setObject(6, LocalDateTime.of(2024, 1, 2, 9, 0));
            insert.executeUpdate();
        }
    }

    static void update(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate(sql);
        }
    }

    private static OffsetDateTime createdAt(Listing listing) {
        LocalDate day = listing.postedAt == null ? LocalDate.of(2023, 1, 1) : LocalDate.parse(listing.postedAt.substring(0, 10));
        return day.atTime(9, 15).atOffset(ZoneOffset.ofHours(7));
    }

    /**
     * Returns the publishable posts of the table by id, with the columns the job stores as it stores
     * them. Rows with a negative price are dead letters, not posts, so they are left out.
     */
    static Map<Long, Map<String, Object>> expectedPosts(Connection connection) throws SQLException {
        Map<Long, Map<String, Object>> rows = new TreeMap<>();
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(
                        "SELECT " + POST_COLUMNS + " FROM dbo.posts WHERE status IN ('approved', 'active')"
                                + " AND (price IS NULL OR price >= 0)")) {
            while (result.next()) {
                Map<String, Object> row = new TreeMap<>();
                row.put("title", text(result.getString("title"), 1024));
                row.put("description", text(result.getString("description"), 16384));
                row.put("address_text", text(result.getString("address"), 1024));
                row.put("ward", nullable(text(result.getString("ward"), 256)));
                row.put("district", nullable(text(result.getString("district"), 256)));
                row.put("city", nullable(text(result.getString("city"), 256)));
                row.put("status", result.getString("status"));
                row.put("category", nullable(text(result.getString("category"), 128)));
                BigDecimal price = result.getBigDecimal("price");
                row.put("price", price == null ? null : price.longValueExact());
                BigDecimal area = result.getBigDecimal("area");
                row.put("area", area == null ? null : area.doubleValue());
                row.put("user_id", result.getLong("user_id"));
                OffsetDateTime createdAt = result.getObject("created_at", OffsetDateTime.class);
                row.put("created_at", createdAt == null ? null : createdAt.toInstant().toEpochMilli());
                rows.put(result.getLong("id"), row);
            }
        }
        return rows;
    }

    /** Waits until the ids and titles in {@code collection} equal the table's publishable posts. */
    static void awaitPosts(MilvusClientV2 client, String collection, Connection connection, Duration timeout)
            throws Exception {
        Map<Long, Map<String, Object>> expected = expectedPosts(connection);
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<Long, Map<String, Object>> rows = Map.of();
        while (System.nanoTime() < deadline) {
            rows = MilvusRows.all(client, collection);
            if (rows.keySet().equals(expected.keySet()) && sameTitlesAndPrices(rows, expected)) {
                return;
            }
            Thread.sleep(500);
        }
        assertThat(rows.keySet()).as("post ids in %s after %s", collection, timeout)
                .containsExactlyInAnyOrderElementsOf(expected.keySet());
        assertThat(sameTitlesAndPrices(rows, expected)).as("titles and prices in %s", collection).isTrue();
    }

    private static boolean sameTitlesAndPrices(Map<Long, Map<String, Object>> rows, Map<Long, Map<String, Object>> expected) {
        for (Map.Entry<Long, Map<String, Object>> entry : expected.entrySet()) {
            Map<String, Object> row = rows.get(entry.getKey());
            if (row == null || !entry.getValue().get("title").equals(row.get("title"))
                    || !java.util.Objects.equals(entry.getValue().get("price"), row.get("price"))) {
                return false;
            }
        }
        return true;
    }

    /** Asserts that {@code collection} contains exactly the table's publishable posts, vectors included. */
    static void assertPostsEqualTable(
            MilvusClientV2 client, String collection, Connection connection, ReferenceEmbedder reference)
            throws Exception {
        Map<Long, Map<String, Object>> expected = expectedPosts(connection);
        Map<Long, Map<String, Object>> rows = MilvusRows.all(client, collection);
        assertThat(rows.keySet()).as("post ids in %s", collection).containsExactlyInAnyOrderElementsOf(expected.keySet());

        SoftAssertions soft = new SoftAssertions();
        for (Map.Entry<Long, Map<String, Object>> entry : expected.entrySet()) {
            long id = entry.getKey();
            Map<String, Object> row = rows.get(id);
            for (Map.Entry<String, Object> field : entry.getValue().entrySet()) {
                soft.assertThat(row.get(field.getKey())).as("%s of post %d", field.getKey(), id).isEqualTo(field.getValue());
            }
            String embedded = joinLines((String) entry.getValue().get("title"),
                    (String) entry.getValue().get("description"), (String) entry.getValue().get("address_text"));
            soft.assertThat(row.get("text_hash")).as("text_hash of post %d", id).isEqualTo(sha256(embedded));
            double cosine = ReferenceEmbedder.cosine(MilvusRows.vector(row, "dense_vector"), reference.embed(embedded));
            soft.assertThat(cosine).as("cosine of the vector of post %d with its final text", id).isGreaterThanOrEqualTo(0.999);
        }
        soft.assertAll();
    }

    private static String text(String raw, int maxBytes) {
        String normalized = TextNormalizer.normalize(raw, maxBytes);
        return normalized == null ? "" : normalized;
    }

    private static String nullable(String text) {
        return text.isEmpty() ? null : text;
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
}
