package dev.vectorsync.source.jdbc;

import dev.vectorsync.decode.ColumnRowValues;
import dev.vectorsync.decode.InvalidEventException;
import dev.vectorsync.decode.RowRecordMapper;
import dev.vectorsync.decode.RowValues;
import dev.vectorsync.event.ChangeEvent;
import dev.vectorsync.event.ChangeOperation;
import dev.vectorsync.event.ChangeVersion;
import dev.vectorsync.event.EntityType;
import dev.vectorsync.source.cdc.SourceTable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.flink.connector.jdbc.core.datastream.source.reader.extractor.ResultExtractor;

import java.sql.Clob;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns one row of a backfill split query ({@link BackfillQueries#split}) into an upsert {@link
 * ChangeEvent} through {@link RowRecordMapper}, the rules every source shares. A row that breaks
 * a rule becomes an event with {@link ChangeEvent#invalidReason} set, for the dead letters.
 *
 * <p>Version: the value of the version column as ({@code value}, 0, 0). A number is used as it is
 * (epoch milliseconds, a counter); a time becomes epoch milliseconds; an 8-byte binary value (SQL
 * Server {@code rowversion}) is read as a big-endian number. Without a version column, or when the
 * column is null, the version is (0, 0, 0). Within one backfill every key is read once, so the
 * version only orders the backfill against itself and is stored as {@code source_version}.
 *
 * <p>Times without a zone are read with {@code ResultSet.getObject(i, LocalDateTime.class)} and
 * interpreted in the server time zone, so the JVM's default zone never matters.
 */
public final class JdbcRowExtractor implements ResultExtractor<ChangeEvent> {

    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SourceTable table;
    private final String versionColumn;
    private final List<String> columns;
    private final String serverTimeZone;

    private transient ZoneId zone;

    /**
     * @param versionColumn column that orders writes to a row, or null for none
     * @param serverTimeZone zone id of times without a zone
     */
    public JdbcRowExtractor(SourceTable table, String versionColumn, String serverTimeZone) {
        ZoneId.of(serverTimeZone);
        this.table = table;
        this.versionColumn = versionColumn;
        this.columns = BackfillQueries.selectedColumns(table, versionColumn);
        this.serverTimeZone = serverTimeZone;
    }

    @Override
    public ChangeEvent extract(ResultSet resultSet) throws SQLException {
        Map<String, Object> values = read(resultSet);

        ChangeEvent event = new ChangeEvent();
        event.entityType = table.entityType();
        event.operation = ChangeOperation.UPSERT;
        event.sourceName = table.qualifiedName();
        event.sourcePosition = table.idColumn() + "=" + values.get(table.idColumn());
        event.sourcePayload = payload(values);
        try {
            event.id = id(values);
            event.version = version(values);
            RowValues row = new ColumnRowValues(table.qualifiedName(), table.columnByField(), values, zone());
            if (table.entityType() == EntityType.POST) {
                event.post = RowRecordMapper.toPost(row);
            } else {
                event.user = RowRecordMapper.toUser(row);
            }
        } catch (InvalidEventException e) {
            event.invalidReason = e.getMessage();
            event.post = null;
            event.user = null;
        }
        return event;
    }

    private Map<String, Object> read(ResultSet resultSet) throws SQLException {
        ResultSetMetaData metaData = resultSet.getMetaData();
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 1; i <= columns.size(); i++) {
            values.put(columns.get(i - 1), readColumn(resultSet, metaData, i));
        }
        return values;
    }

    private static Object readColumn(ResultSet resultSet, ResultSetMetaData metaData, int i)
            throws SQLException {
        int type = metaData.getColumnType(i);
        String typeName = String.valueOf(metaData.getColumnTypeName(i)).toLowerCase(Locale.ROOT);
        if (type == Types.TIMESTAMP_WITH_TIMEZONE || typeName.contains("timestamptz")
                || typeName.contains("datetimeoffset") || typeName.contains("time zone")) {
            return resultSet.getObject(i, OffsetDateTime.class);
        }
        if (type == Types.TIMESTAMP) {
            return resultSet.getObject(i, LocalDateTime.class);
        }
        if (type == Types.DATE) {
            return resultSet.getObject(i, LocalDate.class);
        }
        Object value = resultSet.getObject(i);
        if (value instanceof Clob) {
            Clob clob = (Clob) value;
            return clob.getSubString(1, (int) Math.min(Integer.MAX_VALUE, clob.length()));
        }
        return value;
    }

    private long id(Map<String, Object> values) throws InvalidEventException {
        RowValues key = new ColumnRowValues(
                table.qualifiedName(), Map.of("id", table.idColumn()), values, zone());
        Long id = RowRecordMapper.wholeNumber(key, "id");
        if (id == null || id <= 0) {
            throw new InvalidEventException(key.path("id") + " must be a positive integer, was " + id);
        }
        return id;
    }

    private ChangeVersion version(Map<String, Object> values) throws InvalidEventException {
        if (versionColumn == null || values.get(versionColumn) == null) {
            return new ChangeVersion(0, 0, 0);
        }
        Object value = values.get(versionColumn);
        if (value instanceof byte[]) {
            byte[] bytes = (byte[]) value;
            long number = 0;
            for (byte b : bytes) {
                number = (number << 8) | (b & 0xff);
            }
            return new ChangeVersion(number, 0, 0);
        }
        RowValues row = new ColumnRowValues(
                table.qualifiedName(), Map.of("version", versionColumn), values, zone());
        Long number = value instanceof Number
                ? RowRecordMapper.wholeNumber(row, "version")
                : row.epochMillis("version");
        if (number == null || number < 0) {
            throw new InvalidEventException(row.path("version") + " must not be negative, was " + number);
        }
        return new ChangeVersion(number, 0, 0);
    }

    private static String payload(Map<String, Object> values) {
        Map<String, Object> printable = new TreeMap<>();
        for (Map.Entry<String, Object> column : values.entrySet()) {
            Object value = column.getValue();
            printable.put(column.getKey(), value == null || value instanceof Number
                    || value instanceof String ? value : value.toString());
        }
        try {
            return JSON.writeValueAsString(printable);
        } catch (JsonProcessingException e) {
            return printable.toString();
        }
    }

    private ZoneId zone() {
        if (zone == null) {
            zone = ZoneId.of(serverTimeZone);
        }
        return zone;
    }
}
