package dev.vectorsync.decode;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Map;

/**
 * The columns of one database row as {@link RowValues}, for the CDC and JDBC sources.
 *
 * <p>Values are plain Java objects as a JDBC driver or the Debezium conversion in {@code
 * source.cdc} returns them: {@link String}, integer types, {@link BigDecimal}, {@link Double},
 * {@link LocalDateTime} and {@link LocalDate} for times without a zone, {@link OffsetDateTime},
 * {@link ZonedDateTime} and {@link Instant} for times with one. A time without a zone is read as a
 * wall-clock time in {@code serverTimeZone}; an integer in a time field is epoch milliseconds.
 */
public final class ColumnRowValues implements RowValues {

    private final String table;
    private final Map<String, String> columnByField;
    private final Map<String, Object> valueByColumn;
    private final ZoneId serverTimeZone;

    /**
     * @param table qualified table name, for messages
     * @param columnByField logical field name to column name; fields without a column read as null
     * @param valueByColumn the row, by column name as {@code columnByField} writes it
     * @param serverTimeZone zone of times without a zone
     */
    public ColumnRowValues(
            String table,
            Map<String, String> columnByField,
            Map<String, Object> valueByColumn,
            ZoneId serverTimeZone) {
        this.table = table;
        this.columnByField = columnByField;
        this.valueByColumn = valueByColumn;
        this.serverTimeZone = serverTimeZone;
    }

    @Override
    public String path(String field) {
        String column = columnByField.get(field);
        return table + "." + (column == null ? field : column);
    }

    @Override
    public String rowName() {
        return "row of " + table;
    }

    @Override
    public String string(String field) throws InvalidEventException {
        Object value = value(field);
        if (value == null || value instanceof String) {
            return (String) value;
        }
        if (value instanceof Character) {
            return value.toString();
        }
        throw new InvalidEventException(path(field) + " must be text, was " + describe(value));
    }

    @Override
    public BigDecimal decimal(String field) throws InvalidEventException {
        Object value = value(field);
        if (value == null || value instanceof BigDecimal) {
            return (BigDecimal) value;
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short
                || value instanceof Byte) {
            return BigDecimal.valueOf(((Number) value).longValue());
        }
        if (value instanceof BigInteger) {
            return new BigDecimal((BigInteger) value);
        }
        if (value instanceof Double || value instanceof Float) {
            double number = ((Number) value).doubleValue();
            if (Double.isNaN(number) || Double.isInfinite(number)) {
                throw new InvalidEventException(path(field) + " must be a finite number, was " + number);
            }
            return BigDecimal.valueOf(number);
        }
        if (value instanceof String) {
            try {
                return new BigDecimal(((String) value).trim());
            } catch (NumberFormatException e) {
                throw new InvalidEventException(
                        path(field) + " must be a number, was " + describe(value));
            }
        }
        throw new InvalidEventException(path(field) + " must be a number, was " + describe(value));
    }

    @Override
    public Long epochMillis(String field) throws InvalidEventException {
        Object value = value(field);
        if (value == null) {
            return null;
        }
        if (value instanceof Long || value instanceof Integer) {
            return ((Number) value).longValue();
        }
        if (value instanceof LocalDateTime) {
            return ((LocalDateTime) value).atZone(serverTimeZone).toInstant().toEpochMilli();
        }
        if (value instanceof LocalDate) {
            return ((LocalDate) value).atStartOfDay(serverTimeZone).toInstant().toEpochMilli();
        }
        if (value instanceof OffsetDateTime) {
            return ((OffsetDateTime) value).toInstant().toEpochMilli();
        }
        if (value instanceof ZonedDateTime) {
            return ((ZonedDateTime) value).toInstant().toEpochMilli();
        }
        if (value instanceof Instant) {
            return ((Instant) value).toEpochMilli();
        }
        if (value instanceof java.sql.Timestamp) {
            return ((java.sql.Timestamp) value).toLocalDateTime().atZone(serverTimeZone).toInstant().toEpochMilli();
        }
        if (value instanceof String) {
            return parseTime(field, (String) value);
        }
        throw new InvalidEventException(path(field) + " must be a time, was " + describe(value));
    }

    private Long parseTime(String field, String text) throws InvalidEventException {
        try {
            return OffsetDateTime.parse(text.trim()).toInstant().toEpochMilli();
        } catch (DateTimeException withoutOffset) {
            try {
                return LocalDateTime.parse(text.trim()).atZone(serverTimeZone).toInstant().toEpochMilli();
            } catch (DateTimeException e) {
                throw new InvalidEventException(
                        path(field) + " must be an ISO-8601 time, was " + describe(text));
            }
        }
    }

    private Object value(String field) {
        String column = columnByField.get(field);
        return column == null ? null : valueByColumn.get(column);
    }

    private static String describe(Object value) {
        if (value instanceof String) {
            return "the text \"" + JsonFields.abbreviate((String) value) + "\"";
        }
        return "a " + value.getClass().getSimpleName() + " (" + JsonFields.abbreviate(value.toString()) + ")";
    }
}
