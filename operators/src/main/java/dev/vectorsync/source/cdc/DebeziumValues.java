package dev.vectorsync.source.cdc;

import io.debezium.data.VariableScaleDecimal;
import io.debezium.time.MicroTimestamp;
import io.debezium.time.NanoTimestamp;
import io.debezium.time.ZonedTimestamp;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Field;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Schema;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Struct;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Timestamp;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Converts the columns of a Debezium row struct into the plain Java values that {@link
 * dev.vectorsync.decode.ColumnRowValues} reads.
 *
 * <p>Debezium 1.9 (as bundled in Flink CDC 3.5.0) writes a column without a time zone ({@code
 * datetime2}, {@code datetime}, Postgres {@code timestamp}) as the wall-clock time counted from the
 * epoch as if it were UTC: {@code io.debezium.time.Timestamp} (ms), {@code MicroTimestamp} (µs) or
 * {@code NanoTimestamp} (ns), by the column's precision. These become {@link LocalDateTime}s, read
 * later in the configured server time zone. A column with a zone ({@code datetimeoffset}, {@code
 * timestamptz}) arrives as an ISO-8601 {@code ZonedTimestamp} string and becomes an {@link
 * OffsetDateTime}. {@code decimal}, {@code numeric} and {@code money} arrive as {@link
 * java.math.BigDecimal} (Debezium's default {@code decimal.handling.mode=precise}); Postgres
 * {@code numeric} without a scale arrives as a {@code VariableScaleDecimal} struct.
 */
final class DebeziumValues {

    private DebeziumValues() {}

    /** Converts every column of {@code row}, by column name. */
    static Map<String, Object> columns(Struct row) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Field field : row.schema().fields()) {
            values.put(field.name(), convert(field.schema(), row.get(field)));
        }
        return values;
    }

    static Object convert(Schema schema, Object value) {
        if (value == null || schema.name() == null) {
            return value;
        }
        switch (schema.name()) {
            case io.debezium.time.Timestamp.SCHEMA_NAME:
                return wallClock(Instant.ofEpochMilli((Long) value));
            case MicroTimestamp.SCHEMA_NAME:
                return wallClock(instantOfUnits((Long) value, 1_000_000L));
            case NanoTimestamp.SCHEMA_NAME:
                return wallClock(instantOfUnits((Long) value, 1_000_000_000L));
            case io.debezium.time.Date.SCHEMA_NAME:
                return LocalDate.ofEpochDay((Integer) value);
            case ZonedTimestamp.SCHEMA_NAME:
                return OffsetDateTime.parse((String) value);
            case VariableScaleDecimal.LOGICAL_NAME:
                return VariableScaleDecimal.toLogical((Struct) value).getDecimalValue().orElse(null);
            default:
                if (Timestamp.LOGICAL_NAME.equals(schema.name())) {
                    return wallClock(((java.util.Date) value).toInstant());
                }
                return value;
        }
    }

    private static Instant instantOfUnits(long units, long perSecond) {
        long seconds = Math.floorDiv(units, perSecond);
        long fraction = Math.floorMod(units, perSecond);
        return Instant.ofEpochSecond(seconds, fraction * (1_000_000_000L / perSecond));
    }

    private static LocalDateTime wallClock(Instant asIfUtc) {
        return LocalDateTime.ofInstant(asIfUtc, ZoneOffset.UTC);
    }
}
