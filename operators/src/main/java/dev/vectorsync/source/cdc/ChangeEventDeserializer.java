package dev.vectorsync.source.cdc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectorsync.decode.ColumnRowValues;
import dev.vectorsync.decode.InvalidEventException;
import dev.vectorsync.decode.RowRecordMapper;
import dev.vectorsync.decode.RowValues;
import dev.vectorsync.event.ChangeEvent;
import dev.vectorsync.event.ChangeOperation;
import dev.vectorsync.event.ChangeVersion;
import dev.vectorsync.event.EntityType;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Struct;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.source.SourceRecord;
import org.apache.flink.cdc.debezium.DebeziumDeserializationSchema;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns Debezium change records of the posts and users tables into {@link ChangeEvent}s, without a
 * JSON round trip, for the SQL Server and Postgres CDC sources.
 *
 * <p>Operations {@code r} (snapshot read), {@code c} and {@code u} become an upsert of the {@code
 * after} row; {@code d} becomes a delete of the key in the {@code before} row. The version comes
 * from the change position as {@link ChangePositions} describes: snapshot rows order before every
 * streamed change. Columns are read through {@link RowRecordMapper}, the rules the JSON decoder
 * applies too; columns that are not mapped (a column added later, phone numbers, ...) are ignored.
 *
 * <p>A row that breaks a rule is emitted with {@link ChangeEvent#invalidReason} set, the table as
 * source name and the change position as source position, so that the next operator can
 * dead-letter it instead of failing the job. Records without an envelope (heartbeats,
 * schema changes, Kafka tombstones) and records of other tables are skipped.
 *
 * <p>Called by the source reader's thread, one record at a time.
 */
public final class ChangeEventDeserializer implements DebeziumDeserializationSchema<ChangeEvent> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ChangeEventDeserializer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ChangeLog changeLog;
    private final List<SourceTable> tables;
    private final String serverTimeZone;

    private transient ZoneId zone;

    /**
     * @param serverTimeZone zone id of times without a zone ({@code datetime2}, {@code timestamp})
     */
    public ChangeEventDeserializer(ChangeLog changeLog, List<SourceTable> tables, String serverTimeZone) {
        if (tables.isEmpty()) {
            throw new IllegalArgumentException("tables must name at least one table");
        }
        ZoneId.of(serverTimeZone);
        this.changeLog = changeLog;
        this.tables = new ArrayList<>(tables);
        this.serverTimeZone = serverTimeZone;
    }

    @Override
    public void deserialize(SourceRecord record, Collector<ChangeEvent> out) {
        if (!(record.value() instanceof Struct)) {
            return;
        }
        Struct envelope = (Struct) record.value();
        if (envelope.schema().field("op") == null || envelope.schema().field("source") == null) {
            return;
        }
        Struct source = envelope.getStruct("source");
        SourceTable table = tableOf(source);
        if (table == null) {
            LOG.debug("Skipped a change of table {}.{}, which is not captured",
                    source.getString("schema"), source.getString("table"));
            return;
        }
        out.collect(toEvent(table, envelope.getString("op"), envelope, source));
    }

    private ChangeEvent toEvent(SourceTable table, String op, Struct envelope, Struct source) {
        ChangeEvent event = new ChangeEvent();
        event.entityType = table.entityType();
        event.sourceName = table.qualifiedName();
        event.sourcePosition = position(op, source);

        Struct row = envelope.getStruct("d".equals(op) ? "before" : "after");
        Map<String, Object> columns = row == null ? Map.of() : DebeziumValues.columns(row);
        event.sourcePayload = payload(op, columns);
        try {
            event.version = version(op, source);
            event.operation = operation(op);
            event.id = id(table, columns);
            if (!event.operation.isDelete()) {
                RowValues values = new ColumnRowValues(
                        table.qualifiedName(), table.columnByField(), columns, zone());
                if (table.entityType() == EntityType.POST) {
                    event.post = RowRecordMapper.toPost(values);
                } else {
                    event.user = RowRecordMapper.toUser(values);
                }
            }
        } catch (InvalidEventException | RuntimeException e) {
            event.invalidReason = e.getMessage();
            event.post = null;
            event.user = null;
        }
        return event;
    }

    private ChangeOperation operation(String op) throws InvalidEventException {
        switch (op) {
            case "r":
                // A snapshot row may already be in Milvus (from a backfill or an earlier run), so it
                // is an upsert: the embedding step then looks for its stored vector first.
                return ChangeOperation.UPSERT;
            case "c":
                return ChangeOperation.INSERT;
            case "u":
                return ChangeOperation.UPDATE;
            case "d":
                return ChangeOperation.DELETE;
            default:
                throw new InvalidEventException(
                        "unknown Debezium operation '" + op + "', expected r, c, u or d");
        }
    }

    private ChangeVersion version(String op, Struct source) {
        if ("r".equals(op)) {
            return ChangePositions.snapshot();
        }
        if (changeLog == ChangeLog.SQLSERVER) {
            return ChangePositions.sqlServer(
                    source.getString("commit_lsn"),
                    source.getString("change_lsn"),
                    source.getInt64("event_serial_no"));
        }
        return ChangePositions.postgres(source.getInt64("lsn"));
    }

    /** Formats the change position for dead letters and logs. */
    private String position(String op, Struct source) {
        if ("r".equals(op)) {
            return "snapshot";
        }
        if (changeLog == ChangeLog.SQLSERVER) {
            return "commit_lsn=" + source.get("commit_lsn") + ",change_lsn=" + source.get("change_lsn")
                    + ",event_serial_no=" + source.get("event_serial_no");
        }
        return "lsn=" + source.get("lsn");
    }

    private static long id(SourceTable table, Map<String, Object> columns) throws InvalidEventException {
        RowValues key = new ColumnRowValues(
                table.qualifiedName(), Map.of("id", table.idColumn()), columns, java.time.ZoneOffset.UTC);
        Long id = RowRecordMapper.wholeNumber(key, "id");
        if (id == null) {
            throw new InvalidEventException("missing field " + key.path("id"));
        }
        if (id <= 0) {
            throw new InvalidEventException(key.path("id") + " must be a positive integer, was " + id);
        }
        return id;
    }

    private SourceTable tableOf(Struct source) {
        String schema = source.getString("schema");
        String table = source.getString("table");
        for (SourceTable candidate : tables) {
            if (candidate.matches(schema, table)) {
                return candidate;
            }
        }
        return null;
    }

    /** Writes the row as a JSON object with sorted keys, kept as the dead-letter payload. */
    private static String payload(String op, Map<String, Object> columns) {
        Map<String, Object> printable = new TreeMap<>();
        for (Map.Entry<String, Object> column : columns.entrySet()) {
            Object value = column.getValue();
            printable.put(column.getKey(), value == null || value instanceof Number
                    || value instanceof String || value instanceof Boolean ? value : value.toString());
        }
        try {
            return JSON.writeValueAsString(Map.of("op", op, "row", printable));
        } catch (JsonProcessingException e) {
            return "{\"op\":\"" + op + "\"}";
        }
    }

    private ZoneId zone() {
        if (zone == null) {
            zone = ZoneId.of(serverTimeZone);
        }
        return zone;
    }

    @Override
    public TypeInformation<ChangeEvent> getProducedType() {
        return TypeInformation.of(ChangeEvent.class);
    }
}
