package dev.vectorsync.decode;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.vectorsync.event.ChangeEvent;
import dev.vectorsync.event.ChangeOperation;
import dev.vectorsync.event.ChangeVersion;
import dev.vectorsync.event.EntityType;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import static dev.vectorsync.decode.JsonFields.describe;
import static dev.vectorsync.decode.JsonFields.isAbsent;
import static dev.vectorsync.decode.JsonFields.optionalLong;
import static dev.vectorsync.decode.JsonFields.optionalString;
import static dev.vectorsync.decode.JsonFields.requiredId;

/**
 * Decodes the backend's job payloads into {@link ChangeEvent}s.
 *
 * <p>Payload contract (one JSON object): {@code operation} is insert, update, upsert or delete;
 * {@code postId} (post streams) or {@code userId} (user streams) is a positive integer; the
 * optional {@code version} is a non-negative integer that orders writes to the same row (for
 * example updatedAt in epoch milliseconds); {@code data} is the whole row for every operation but
 * delete. Numbers may be JSON numbers or numeric strings. The fields of {@code data} follow the
 * rules of {@link RowRecordMapper}, which every source shares; fields it does not name (phone,
 * e-mail, ...) are ignored and never stored.
 *
 * <p>Thread-safe: the shared {@link ObjectMapper} is only read after construction.
 */
public final class ChangeEventDecoder implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Default upper bound on one payload, UTF-8 bytes. */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;

    private static final ObjectMapper MAPPER =
            JsonMapper.builder()
                    .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    .build();

    static {
        MAPPER.getFactory()
                .setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
    }

    private final int maxPayloadBytes;

    public ChangeEventDecoder(int maxPayloadBytes) {
        if (maxPayloadBytes <= 0) {
            throw new IllegalArgumentException(
                    "maxPayloadBytes must be positive, was " + maxPayloadBytes);
        }
        this.maxPayloadBytes = maxPayloadBytes;
    }

    /**
     * Decodes one payload read from {@code sourceName} at {@code sourcePosition}.
     *
     * @param entityType what the source carries: posts or users
     * @param fallbackVersion the order to use when the payload has no {@code version}: for Redis,
     *     the entry id as (millis, millis, sequence)
     * @throws InvalidEventException with the dead-letter reason when the payload breaks the contract
     */
    public ChangeEvent decode(
            EntityType entityType,
            String sourceName,
            String sourcePosition,
            String payload,
            ChangeVersion fallbackVersion)
            throws InvalidEventException {
        JsonNode root = parseObject(payload);

        ChangeEvent event = new ChangeEvent();
        event.entityType = entityType;
        event.sourceName = sourceName;
        event.sourcePosition = sourcePosition;
        event.sourcePayload = payload;
        event.operation = readOperation(root);
        event.id = requiredId(root, idField(entityType));
        event.version = readVersion(root, fallbackVersion);

        if (event.operation.isDelete()) {
            return event;
        }
        JsonNode data = root.get("data");
        if (isAbsent(data)) {
            throw new InvalidEventException(
                    "missing field data: " + event.operation.name().toLowerCase(Locale.ROOT)
                            + " needs the whole row in data");
        }
        if (!data.isObject()) {
            throw new InvalidEventException("data must be a JSON object, was " + describe(data));
        }
        RowValues row = new JsonRowValues(data);
        if (entityType == EntityType.POST) {
            event.post = RowRecordMapper.toPost(row);
        } else {
            event.user = RowRecordMapper.toUser(row);
        }
        return event;
    }

    /** Name of the id field that payloads for {@code entityType} carry. */
    public static String idField(EntityType entityType) {
        return entityType == EntityType.POST ? "postId" : "userId";
    }

    private JsonNode parseObject(String payload) throws InvalidEventException {
        if (payload == null) {
            throw new InvalidEventException("missing field job: the entry has no payload");
        }
        if (payload.isBlank()) {
            throw new InvalidEventException("job is empty");
        }
        int bytes = payload.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxPayloadBytes) {
            throw new InvalidEventException(
                    "job is " + bytes + " bytes, more than the limit of " + maxPayloadBytes
                            + " bytes; raise decode.max-payload-bytes if such rows are valid");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(payload);
        } catch (JsonProcessingException e) {
            throw new InvalidEventException(
                    "job is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidEventException(
                    "job must be a JSON object, was " + (root == null ? "empty" : describe(root)));
        }
        return root;
    }

    private static ChangeOperation readOperation(JsonNode root) throws InvalidEventException {
        String name = optionalString(root, "operation", "operation");
        if (name == null) {
            throw new InvalidEventException("missing field operation");
        }
        try {
            return ChangeOperation.fromWireName(name.trim());
        } catch (IllegalArgumentException e) {
            throw new InvalidEventException(e.getMessage());
        }
    }

    private static ChangeVersion readVersion(JsonNode root, ChangeVersion fallback)
            throws InvalidEventException {
        Long version = optionalLong(root, "version", "version");
        if (version == null) {
            return fallback;
        }
        if (version < 0) {
            throw new InvalidEventException("version must not be negative, was " + version);
        }
        return new ChangeVersion(version, fallback.positionHigh, fallback.positionLow);
    }
}
