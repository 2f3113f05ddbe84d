package dev.vectorsync.decode;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * Typed reads of JSON fields under the event contract: numbers may arrive as JSON numbers or as
 * numeric strings ("2000000"); JSON null and a missing field both mean "no value"; any other type
 * is invalid. Every error message names the field by its path, for example {@code data.price}.
 */
final class JsonFields {

    private JsonFields() {}

    static boolean isAbsent(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }

    static String optionalString(JsonNode parent, String field, String path)
            throws InvalidEventException {
        JsonNode node = parent.get(field);
        if (isAbsent(node)) {
            return null;
        }
        if (!node.isTextual()) {
            throw new InvalidEventException(
                    path + " must be a string, was " + describe(node));
        }
        return node.textValue();
    }

    static Long optionalLong(JsonNode parent, String field, String path)
            throws InvalidEventException {
        BigDecimal value = optionalDecimal(parent, field, path);
        if (value == null) {
            return null;
        }
        try {
            return value.stripTrailingZeros().longValueExact();
        } catch (ArithmeticException e) {
            throw new InvalidEventException(
                    path + " must be a whole number within 64 bits, was " + value.toPlainString());
        }
    }

    static Long optionalNonNegativeLong(JsonNode parent, String field, String path)
            throws InvalidEventException {
        Long value = optionalLong(parent, field, path);
        if (value != null && value < 0) {
            throw new InvalidEventException(path + " must not be negative, was " + value);
        }
        return value;
    }

    static Double optionalNonNegativeDouble(JsonNode parent, String field, String path)
            throws InvalidEventException {
        BigDecimal value = optionalDecimal(parent, field, path);
        if (value == null) {
            return null;
        }
        if (value.signum() < 0) {
            throw new InvalidEventException(
                    path + " must not be negative, was " + value.toPlainString());
        }
        double asDouble = value.doubleValue();
        if (Double.isInfinite(asDouble)) {
            throw new InvalidEventException(path + " is too large: " + value.toPlainString());
        }
        return asDouble;
    }

    /** Reads a positive 64-bit id; ids are the Milvus primary key, so 0 and negatives are invalid. */
    static long requiredId(JsonNode parent, String field) throws InvalidEventException {
        Long id = optionalLong(parent, field, field);
        if (id == null) {
            throw new InvalidEventException("missing field " + field);
        }
        if (id <= 0) {
            throw new InvalidEventException(field + " must be a positive integer, was " + id);
        }
        return id;
    }

    /**
     * Reads a timestamp as epoch milliseconds: a number (or numeric string) of epoch milliseconds,
     * or an ISO-8601 string with an offset such as "2024-05-01T08:30:00Z" or
     * "2024-05-01T15:30:00+07:00", the form JavaScript's Date.toJSON writes.
     */
    static Long optionalEpochMillis(JsonNode parent, String field, String path)
            throws InvalidEventException {
        JsonNode node = parent.get(field);
        if (isAbsent(node)) {
            return null;
        }
        if (node.isTextual() && !looksNumeric(node.textValue())) {
            try {
                return OffsetDateTime.parse(node.textValue().trim()).toInstant().toEpochMilli();
            } catch (DateTimeException e) {
                throw new InvalidEventException(
                        path
                                + " must be epoch milliseconds or an ISO-8601 time with an offset"
                                + " (2024-05-01T08:30:00Z), was \""
                                + abbreviate(node.textValue())
                                + "\"");
            }
        }
        Long millis = optionalLong(parent, field, path);
        if (millis != null && (millis < 0 || millis > Instant.parse("9999-12-31T00:00:00Z").toEpochMilli())) {
            throw new InvalidEventException(path + " is outside the supported time range: " + millis);
        }
        return millis;
    }

    static BigDecimal optionalDecimal(JsonNode parent, String field, String path)
            throws InvalidEventException {
        JsonNode node = parent.get(field);
        if (isAbsent(node)) {
            return null;
        }
        if (node.isNumber()) {
            if (node.isDouble() || node.isFloat()) {
                double value = node.doubleValue();
                if (Double.isNaN(value) || Double.isInfinite(value)) {
                    throw new InvalidEventException(path + " must be a finite number");
                }
            }
            return node.decimalValue();
        }
        if (node.isTextual()) {
            String text = node.textValue().trim();
            if (looksNumeric(text)) {
                return new BigDecimal(text);
            }
            throw new InvalidEventException(
                    path + " must be a number, was the string \"" + abbreviate(text) + "\"");
        }
        throw new InvalidEventException(path + " must be a number, was " + describe(node));
    }

    private static boolean looksNumeric(String text) {
        return text.trim().matches("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d{1,3})?");
    }

    static String describe(JsonNode node) {
        if (node.isTextual()) {
            return "the string \"" + abbreviate(node.textValue()) + "\"";
        }
        if (node.isBoolean()) {
            return "the boolean " + node.booleanValue();
        }
        if (node.isNumber()) {
            return "the number " + node.asText();
        }
        return "a JSON " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
