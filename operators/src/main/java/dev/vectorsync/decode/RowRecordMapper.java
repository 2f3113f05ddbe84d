package dev.vectorsync.decode;

import dev.vectorsync.event.PostRecord;
import dev.vectorsync.event.UserRecord;
import dev.vectorsync.milvus.PostFields;
import dev.vectorsync.milvus.UserFields;
import dev.vectorsync.text.TextNormalizer;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The field rules of post and user rows, shared by every source (JSON payloads, CDC change
 * records, JDBC rows). Text is normalised with {@link TextNormalizer} and cut to the Milvus
 * VARCHAR limits; {@code title} and {@code status} are required; prices, budgets and the owner id
 * are non-negative whole numbers; areas are non-negative numbers; a user needs one text field and
 * a budget range with min ≤ max. Fields a rule does not name are never read.
 *
 * <p>Stateless and thread-safe.
 */
public final class RowRecordMapper {

    /** Logical field names of a post row, in the order of {@link PostRecord}. */
    public static final List<String> POST_FIELDS =
            List.of("title", "description", "address", "ward", "district", "city", "status",
                    "category", "price", "area", "userId", "createdAt", "updatedAt");

    /** Logical field names of a user row, in the order of {@link UserRecord}. */
    public static final List<String> USER_FIELDS =
            List.of("bio", "preferredCategory", "preferredCity", "preferredDistrict",
                    "preferredWard", "budgetMin", "budgetMax", "areaMin", "createdAt", "updatedAt");

    static final long MAX_EPOCH_MILLIS = Instant.parse("9999-12-31T00:00:00Z").toEpochMilli();

    private RowRecordMapper() {}

    /** Maps a post row; throws with the dead-letter reason when a value breaks a rule. */
    public static PostRecord toPost(RowValues row) throws InvalidEventException {
        PostRecord post = new PostRecord();
        post.title = requiredText(row, "title", PostFields.TITLE_MAX_BYTES);
        post.description = text(row, "description", PostFields.DESCRIPTION_MAX_BYTES);
        post.address = text(row, "address", PostFields.ADDRESS_MAX_BYTES);
        post.ward = text(row, "ward", PostFields.PLACE_MAX_BYTES);
        post.district = text(row, "district", PostFields.PLACE_MAX_BYTES);
        post.city = text(row, "city", PostFields.PLACE_MAX_BYTES);
        post.category = text(row, "category", PostFields.CATEGORY_MAX_BYTES);
        String status = requiredText(row, "status", PostFields.STATUS_MAX_BYTES);
        post.status = status.toLowerCase(Locale.ROOT);
        post.price = nonNegativeLong(row, "price");
        post.area = nonNegativeDouble(row, "area");
        post.userId = nonNegativeLong(row, "userId");
        post.createdAt = epochMillis(row, "createdAt");
        post.updatedAt = epochMillis(row, "updatedAt");
        return post;
    }

    /** Maps a user row; throws with the dead-letter reason when a value breaks a rule. */
    public static UserRecord toUser(RowValues row) throws InvalidEventException {
        UserRecord user = new UserRecord();
        user.bio = text(row, "bio", UserFields.BIO_MAX_BYTES);
        user.preferredCategory = text(row, "preferredCategory", UserFields.CATEGORY_MAX_BYTES);
        user.preferredCity = text(row, "preferredCity", UserFields.PLACE_MAX_BYTES);
        user.preferredDistrict = text(row, "preferredDistrict", UserFields.PLACE_MAX_BYTES);
        user.preferredWard = text(row, "preferredWard", UserFields.PLACE_MAX_BYTES);
        user.budgetMin = nonNegativeLong(row, "budgetMin");
        user.budgetMax = nonNegativeLong(row, "budgetMax");
        user.areaMin = nonNegativeDouble(row, "areaMin");
        user.createdAt = epochMillis(row, "createdAt");
        user.updatedAt = epochMillis(row, "updatedAt");

        if (user.budgetMin != null && user.budgetMax != null && user.budgetMin > user.budgetMax) {
            throw new InvalidEventException(
                    row.path("budgetMin") + " (" + user.budgetMin + ") is greater than "
                            + row.path("budgetMax") + " (" + user.budgetMax + ")");
        }
        if (user.bio == null && user.preferredCategory == null && user.preferredCity == null
                && user.preferredDistrict == null && user.preferredWard == null) {
            throw new InvalidEventException(
                    row.rowName() + " has no profile text: set at least one of bio,"
                            + " preferredCategory, preferredCity, preferredDistrict or preferredWard");
        }
        return user;
    }

    /**
     * Reads a whole number within 64 bits, for example a key column.
     *
     * @throws InvalidEventException when the value has a fraction or does not fit
     */
    public static Long wholeNumber(RowValues row, String field) throws InvalidEventException {
        BigDecimal value = row.decimal(field);
        if (value == null) {
            return null;
        }
        try {
            return value.stripTrailingZeros().longValueExact();
        } catch (ArithmeticException e) {
            throw new InvalidEventException(
                    row.path(field) + " must be a whole number within 64 bits, was "
                            + value.toPlainString());
        }
    }

    private static Long nonNegativeLong(RowValues row, String field) throws InvalidEventException {
        Long value = wholeNumber(row, field);
        if (value != null && value < 0) {
            throw new InvalidEventException(row.path(field) + " must not be negative, was " + value);
        }
        return value;
    }

    private static Double nonNegativeDouble(RowValues row, String field) throws InvalidEventException {
        BigDecimal value = row.decimal(field);
        if (value == null) {
            return null;
        }
        if (value.signum() < 0) {
            throw new InvalidEventException(
                    row.path(field) + " must not be negative, was " + value.toPlainString());
        }
        double asDouble = value.doubleValue();
        if (Double.isInfinite(asDouble)) {
            throw new InvalidEventException(row.path(field) + " is too large: " + value.toPlainString());
        }
        return asDouble;
    }

    private static Long epochMillis(RowValues row, String field) throws InvalidEventException {
        Long millis = row.epochMillis(field);
        if (millis != null && (millis < 0 || millis > MAX_EPOCH_MILLIS)) {
            throw new InvalidEventException(
                    row.path(field) + " is outside the supported time range: " + millis);
        }
        return millis;
    }

    private static String text(RowValues row, String field, int maxBytes) throws InvalidEventException {
        String normalized = TextNormalizer.normalize(row.string(field), maxBytes);
        return normalized == null || normalized.isEmpty() ? null : normalized;
    }

    private static String requiredText(RowValues row, String field, int maxBytes)
            throws InvalidEventException {
        String raw = row.string(field);
        if (raw == null) {
            throw new InvalidEventException("missing field " + row.path(field));
        }
        String normalized = TextNormalizer.normalize(raw, maxBytes);
        if (normalized.isEmpty()) {
            throw new InvalidEventException(
                    row.path(field) + " is empty once HTML and whitespace are removed");
        }
        return normalized;
    }
}
