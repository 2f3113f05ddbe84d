package dev.vectorsync.embedding;

import dev.vectorsync.event.PostRecord;
import dev.vectorsync.event.UserRecord;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Builds the text that the model embeds for a row, and its hash.
 *
 * <p>Posts: title, description and address, in that order, one per line. Users: the bio, then
 * one line of search preferences ("phong-tro, Quận 7, Hồ Chí Minh"). Empty parts are left out.
 * The inputs are already normalised, so the same row always gives the same text and hash.
 */
public final class EmbeddingTexts {

    private EmbeddingTexts() {}

    public static String forPost(PostRecord post) {
        return joinLines(post.title, post.description, post.address);
    }

    public static String forUser(UserRecord user) {
        String preferences =
                joinWith(
                        ", ",
                        user.preferredCategory,
                        user.preferredWard,
                        user.preferredDistrict,
                        user.preferredCity);
        return joinLines(user.bio, preferences);
    }

    /** SHA-256 of the UTF-8 bytes of {@code text}, as 64 lower-case hex characters. */
    public static String sha256Hex(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static String joinLines(String... parts) {
        return joinWith("\n", parts);
    }

    private static String joinWith(String separator, String... parts) {
        List<String> present = new ArrayList<>(parts.length);
        for (String part : parts) {
            if (part != null && !part.isBlank()) {
                present.add(part);
            }
        }
        return String.join(separator, present);
    }
}
