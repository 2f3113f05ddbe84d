package dev.vectorsync.source.cdc;

import io.debezium.data.Envelope;
import io.debezium.time.NanoTimestamp;
import io.debezium.time.ZonedTimestamp;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Decimal;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Schema;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Struct;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.source.SourceRecord;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * Builds change records of the {@code dbo.posts} table in the shape the Debezium 1.9 SQL Server
 * connector (bundled in Flink CDC 3.5.0) emits with its default settings: topic {@code
 * <server>.dbo.posts}, a key struct with {@code id}, and an {@code Envelope} value with {@code
 * before}, {@code after}, a {@code io.debezium.connector.sqlserver.Source} struct holding {@code
 * change_lsn}, {@code commit_lsn} and {@code event_serial_no}, {@code op} and {@code ts_ms}.
 * {@code money} and {@code decimal} columns are {@code Decimal} (precise mode), {@code datetime2(7)}
 * is {@code NanoTimestamp}, {@code datetimeoffset} is {@code ZonedTimestamp}.
 */
final class SqlServerRecords {

    static final String SERVER = "sqlserver_transaction_log_source";

    static final Schema KEY = SchemaBuilder.struct()
            .name(SERVER + ".dbo.posts.Key")
            .field("id", Schema.INT64_SCHEMA)
            .build();

    static final Schema ROW = rowSchema(false);

    /** The row after {@code ALTER TABLE dbo.posts ADD phone nvarchar(20)} and a new capture instance. */
    static final Schema ROW_WITH_PHONE = rowSchema(true);

    static final Schema SOURCE = SchemaBuilder.struct()
            .name("io.debezium.connector.sqlserver.Source")
            .field("version", Schema.STRING_SCHEMA)
            .field("connector", Schema.STRING_SCHEMA)
            .field("name", Schema.STRING_SCHEMA)
            .field("ts_ms", Schema.INT64_SCHEMA)
            .field("snapshot", SchemaBuilder.string().optional().name("io.debezium.data.Enum")
                    .parameter("allowed", "true,last,false,incremental").defaultValue("false").build())
            .field("db", Schema.STRING_SCHEMA)
            .field("sequence", Schema.OPTIONAL_STRING_SCHEMA)
            .field("schema", Schema.STRING_SCHEMA)
            .field("table", Schema.STRING_SCHEMA)
            .field("change_lsn", Schema.OPTIONAL_STRING_SCHEMA)
            .field("commit_lsn", Schema.OPTIONAL_STRING_SCHEMA)
            .field("event_serial_no", Schema.OPTIONAL_INT64_SCHEMA)
            .build();

    private SqlServerRecords() {}

    private static Schema rowSchema(boolean withPhone) {
        SchemaBuilder builder = SchemaBuilder.struct()
                .name(SERVER + ".dbo.posts.Value")
                .field("id", Schema.INT64_SCHEMA)
                .field("title", Schema.STRING_SCHEMA)
                .field("description", Schema.OPTIONAL_STRING_SCHEMA)
                .field("address", Schema.OPTIONAL_STRING_SCHEMA)
                .field("ward", Schema.OPTIONAL_STRING_SCHEMA)
                .field("district", Schema.OPTIONAL_STRING_SCHEMA)
                .field("city", Schema.OPTIONAL_STRING_SCHEMA)
                .field("status", Schema.STRING_SCHEMA)
                .field("category", Schema.OPTIONAL_STRING_SCHEMA)
                .field("price", Decimal.builder(4).optional().parameter("connect.decimal.precision", "19").build())
                .field("area", Decimal.builder(2).optional().parameter("connect.decimal.precision", "9").build())
                .field("user_id", Schema.OPTIONAL_INT64_SCHEMA)
                .field("created_at", ZonedTimestamp.builder().optional().build())
                .field("updated_at", NanoTimestamp.builder().optional().build());
        if (withPhone) {
            builder.field("phone", Schema.OPTIONAL_STRING_SCHEMA);
        }
        return builder.build();
    }

    static Envelope envelope(Schema row) {
        return Envelope.defineSchema()
                .withName(SERVER + ".dbo.posts.Envelope")
                .withRecord(row)
                .withSource(SOURCE)
                .build();
    }

    /** Builds a post row with the given title, status and price in VND (money, 4 decimals). */
    static Struct row(Schema schema, long id, String title, String status, String price) {
        Struct row = new Struct(schema)
                .put("id", id)
                .put("title", title)
                .put("description", "Phòng <b>sạch sẽ</b>, có gác &amp; máy lạnh")
                .put("address", "123 Nguyễn Văn Linh")
                .put("ward", "Phường Tân Phong")
                .put("district", "Quận 7")
                .put("city", "Hồ Chí Minh")
                .put("status", status)
                .put("category", "phong-tro")
                .put("price", price == null ? null : new BigDecimal(price).setScale(4))
                .put("area", new BigDecimal("25.50"))
                .put("user_id", 9L)
                .put("created_at", "2024-05-01T15:30:00.1234567+07:00")
                .put("updated_at", nanosOfWallClock(LocalDateTime.parse("2024-05-02T08:00:00.1234567")));
        return row;
    }

    /** datetime2(7) as Debezium writes it: the wall clock counted from the epoch as if UTC. */
    static long nanosOfWallClock(LocalDateTime wallClock) {
        Instant asIfUtc = wallClock.toInstant(ZoneOffset.UTC);
        return asIfUtc.getEpochSecond() * 1_000_000_000L + asIfUtc.getNano();
    }

    static Struct source(boolean snapshot, String commitLsn, String changeLsn, Long serial) {
        return new Struct(SOURCE)
                .put("version", "1.9.8.Final")
                .put("connector", "sqlserver")
                .put("name", SERVER)
                .put("ts_ms", 1714552200000L)
                .put("snapshot", snapshot ? "true" : "false")
                .put("db", "trotot")
                .put("schema", "dbo")
                .put("table", "posts")
                .put("change_lsn", changeLsn)
                .put("commit_lsn", commitLsn)
                .put("event_serial_no", serial);
    }

    static SourceRecord read(Struct row) {
        Struct value = envelope(row.schema()).read(row, source(true, null, null, null), Instant.EPOCH);
        return record(row, value, Map.of("snapshot", true));
    }

    static SourceRecord create(Struct row, String commitLsn, String changeLsn) {
        Struct value = envelope(row.schema()).create(row, source(false, commitLsn, changeLsn, 1L), Instant.EPOCH);
        return record(row, value, offset(commitLsn, changeLsn));
    }

    static SourceRecord update(Struct before, Struct after, String commitLsn, String changeLsn) {
        Struct value = envelope(after.schema()).update(before, after, source(false, commitLsn, changeLsn, 2L), Instant.EPOCH);
        return record(after, value, offset(commitLsn, changeLsn));
    }

    static SourceRecord delete(Struct before, String commitLsn, String changeLsn) {
        Struct value = envelope(before.schema()).delete(before, source(false, commitLsn, changeLsn, 1L), Instant.EPOCH);
        return record(before, value, offset(commitLsn, changeLsn));
    }

    private static Map<String, Object> offset(String commitLsn, String changeLsn) {
        return Map.of("commit_lsn", commitLsn, "change_lsn", changeLsn, "event_serial_no", 1L);
    }

    private static SourceRecord record(Struct row, Struct value, Map<String, ?> offset) {
        Struct key = new Struct(KEY).put("id", row.getInt64("id"));
        return new SourceRecord(
                Map.of("server", SERVER), offset, SERVER + ".dbo.posts", null,
                KEY, key, value.schema(), value);
    }
}
