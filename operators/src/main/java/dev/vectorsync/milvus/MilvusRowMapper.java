package dev.vectorsync.milvus;

import dev.vectorsync.action.SyncAction;
import dev.vectorsync.event.EntityType;
import dev.vectorsync.event.PostRecord;
import dev.vectorsync.event.UserRecord;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;

import java.nio.charset.StandardCharsets;

/**
 * Turns an upsert {@link SyncAction} into the row that the Milvus SDK sends, with every field of
 * {@link CollectionSchemas}: missing nullable scalars become JSON null, and the sparse BM25 fields
 * are left out because the server computes them.
 *
 * <p>Inputs are checked before they reach the server, so that a bad action fails with the entity
 * key and the field in the message: a VARCHAR over its byte limit, a missing vector, or a vector
 * whose length differs from the collection's dimension all raise IllegalArgumentException.
 */
public final class MilvusRowMapper {

    private final int dimension;

    /** Creates a mapper for collections whose dense vectors have {@code dimension} floats. */
    public MilvusRowMapper(int dimension) {
        if (dimension <= 0) {
            throw new IllegalArgumentException(
                    "vector dimension must be positive but is " + dimension);
        }
        this.dimension = dimension;
    }

    /** Maps an upsert to a row of the collection of its entity type. */
    public JsonObject toRow(SyncAction action) {
        checkUpsert(action);
        return action.entityType == EntityType.POST ? toPostRow(action) : toUserRow(action);
    }

    private JsonObject toPostRow(SyncAction action) {
        PostRecord post = action.post;
        if (post == null) {
            throw new IllegalArgumentException(
                    "upsert " + action.entityKey() + " has no post record; the decoder must set it");
        }

        JsonObject row = new JsonObject();
        row.addProperty(PostFields.ID, action.id);
        row.add(PostFields.DENSE_VECTOR, vector(action));
        // BM25 inputs are not nullable, so a missing text is stored as an empty string.
        addText(row, action, PostFields.TITLE, orEmpty(post.title), PostFields.TITLE_MAX_BYTES);
        addText(
                row,
                action,
                PostFields.DESCRIPTION,
                orEmpty(post.description),
                PostFields.DESCRIPTION_MAX_BYTES);
        addText(
                row,
                action,
                PostFields.ADDRESS_TEXT,
                orEmpty(post.address),
                PostFields.ADDRESS_MAX_BYTES);
        addNumber(row, PostFields.PRICE, post.price);
        addNumber(row, PostFields.AREA, post.area);
        addText(row, action, PostFields.CITY, post.city, PostFields.PLACE_MAX_BYTES);
        addText(row, action, PostFields.DISTRICT, post.district, PostFields.PLACE_MAX_BYTES);
        addText(row, action, PostFields.WARD, post.ward, PostFields.PLACE_MAX_BYTES);
        addText(row, action, PostFields.STATUS, post.status, PostFields.STATUS_MAX_BYTES);
        addText(row, action, PostFields.CATEGORY, post.category, PostFields.CATEGORY_MAX_BYTES);
        addNumber(row, PostFields.USER_ID, post.userId);
        addNumber(row, PostFields.CREATED_AT, post.createdAt);
        addNumber(row, PostFields.UPDATED_AT, post.updatedAt);
        addBookkeeping(row, action);
        return row;
    }

    private JsonObject toUserRow(SyncAction action) {
        UserRecord user = action.user;
        if (user == null) {
            throw new IllegalArgumentException(
                    "upsert " + action.entityKey() + " has no user record; the decoder must set it");
        }

        JsonObject row = new JsonObject();
        row.addProperty(UserFields.ID, action.id);
        row.add(UserFields.USER_EMBEDDING, vector(action));
        addText(row, action, UserFields.BIO, user.bio, UserFields.BIO_MAX_BYTES);
        addText(
                row,
                action,
                UserFields.PREFERRED_CATEGORY,
                user.preferredCategory,
                UserFields.CATEGORY_MAX_BYTES);
        addText(
                row,
                action,
                UserFields.PREFERRED_CITY,
                user.preferredCity,
                UserFields.PLACE_MAX_BYTES);
        addText(
                row,
                action,
                UserFields.PREFERRED_DISTRICT,
                user.preferredDistrict,
                UserFields.PLACE_MAX_BYTES);
        addText(
                row,
                action,
                UserFields.PREFERRED_WARD,
                user.preferredWard,
                UserFields.PLACE_MAX_BYTES);
        addNumber(row, UserFields.BUDGET_MIN, user.budgetMin);
        addNumber(row, UserFields.BUDGET_MAX, user.budgetMax);
        addNumber(row, UserFields.AREA_MIN, user.areaMin);
        addNumber(row, UserFields.CREATED_AT, user.createdAt);
        addNumber(row, UserFields.UPDATED_AT, user.updatedAt);
        addBookkeeping(row, action);
        return row;
    }

    private static void addBookkeeping(JsonObject row, SyncAction action) {
        row.addProperty(BookkeepingFields.SOURCE_VERSION, action.version.version);
        addRequiredText(
                row, action, BookkeepingFields.TEXT_HASH, action.textHash, BookkeepingFields.TEXT_HASH_MAX_BYTES);
        addRequiredText(
                row,
                action,
                BookkeepingFields.EMBEDDING_MODEL,
                action.embeddingModel,
                BookkeepingFields.EMBEDDING_MODEL_MAX_BYTES);
        row.addProperty(BookkeepingFields.EMBEDDING_DIMENSION, action.embeddingDimension);
    }

    private JsonArray vector(SyncAction action) {
        float[] vector = action.vector;
        if (vector == null) {
            throw new IllegalArgumentException(
                    "upsert " + action.entityKey() + " has no vector; the embedding step must set it");
        }
        if (vector.length != dimension || action.embeddingDimension != dimension) {
            throw new IllegalArgumentException(
                    "upsert "
                            + action.entityKey()
                            + " has a vector of "
                            + vector.length
                            + " floats (embeddingDimension "
                            + action.embeddingDimension
                            + ") but the collection expects "
                            + dimension
                            + "; embed with the model the collection was created for");
        }

        JsonArray values = new JsonArray(vector.length);
        for (float value : vector) {
            values.add(value);
        }
        return values;
    }

    private static void checkUpsert(SyncAction action) {
        if (!action.isUpsert()) {
            throw new IllegalArgumentException(
                    "only upserts map to rows, but " + action + " is a " + action.type);
        }
        if (action.entityType == null || action.version == null) {
            throw new IllegalArgumentException(
                    "upsert " + action.id + " lacks its entity type or version");
        }
    }

    private static void addRequiredText(
            JsonObject row, SyncAction action, String field, String value, int maxBytes) {
        if (value == null) {
            throw new IllegalArgumentException(
                    "upsert " + action.entityKey() + " has no " + field + "; it is required");
        }
        addText(row, action, field, value, maxBytes);
    }

    private static void addText(
            JsonObject row, SyncAction action, String field, String value, int maxBytes) {
        if (value == null) {
            row.add(field, JsonNull.INSTANCE);
            return;
        }
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxBytes) {
            throw new IllegalArgumentException(
                    "upsert "
                            + action.entityKey()
                            + ": field "
                            + field
                            + " has "
                            + bytes
                            + " UTF-8 bytes, over its limit of "
                            + maxBytes
                            + "; the decoder must bound it before the sink");
        }
        row.addProperty(field, value);
    }

    private static void addNumber(JsonObject row, String field, Number value) {
        if (value == null) {
            row.add(field, JsonNull.INSTANCE);
        } else {
            row.addProperty(field, value);
        }
    }

    private static String orEmpty(String text) {
        return text == null ? "" : text;
    }
}
