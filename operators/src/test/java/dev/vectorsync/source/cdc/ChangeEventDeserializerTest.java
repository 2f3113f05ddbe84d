package dev.vectorsync.source.cdc;

import dev.vectorsync.action.SyncAction;
import dev.vectorsync.action.SyncActionType;
import dev.vectorsync.event.ChangeEvent;
import dev.vectorsync.event.ChangeOperation;
import dev.vectorsync.event.ChangeVersion;
import dev.vectorsync.event.EntityType;
import dev.vectorsync.ordering.LatestWriteWinsFunction;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Schema;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Struct;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.source.SourceRecord;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.vectorsync.source.cdc.SqlServerRecords.ROW;
import static dev.vectorsync.source.cdc.SqlServerRecords.ROW_WITH_PHONE;
import static dev.vectorsync.source.cdc.SqlServerRecords.row;
import static org.assertj.core.api.Assertions.assertThat;

class ChangeEventDeserializerTest {

    private static final String LSN_1 = "0000002b:000001a8:0003";
    private static final String LSN_2 = "0000002b:000001b0:0002";
    private static final String LSN_3 = "0000002c:00000010:0001";

    private final ChangeEventDeserializer sqlServer =
            new ChangeEventDeserializer(ChangeLog.SQLSERVER, List.of(postsTable()), "Asia/Ho_Chi_Minh");

    static SourceTable postsTable() {
        Map<String, String> columns = new LinkedHashMap<>();
        for (String field : List.of("title", "description", "address", "ward", "district", "city",
                "status", "category", "price", "area")) {
            columns.put(field, field);
        }
        columns.put("userId", "user_id");
        columns.put("createdAt", "created_at");
        columns.put("updatedAt", "updated_at");
        return new SourceTable(EntityType.POST, "dbo.posts", "id", columns);
    }

    @Test
    void createBecomesUpsertWithConvertedTypes() {
        ChangeEvent event = single(SqlServerRecords.create(
                row(ROW, 42, "Cho thuê phòng trọ Quận 7", "Approved", "2500000"), LSN_2, LSN_1));

        assertThat(event.invalidReason).isNull();
        assertThat(event.entityType).isEqualTo(EntityType.POST);
        assertThat(event.id).isEqualTo(42L);
        assertThat(event.operation).isEqualTo(ChangeOperation.INSERT);
        assertThat(event.version).isEqualTo(ChangePositions.sqlServer(LSN_2, LSN_1, 1L));
        assertThat(event.sourceName).isEqualTo("dbo.posts");
        assertThat(event.sourcePosition).isEqualTo(
                "commit_lsn=" + LSN_2 + ",change_lsn=" + LSN_1 + ",event_serial_no=1");
        assertThat(event.post.title).isEqualTo("Cho thuê phòng trọ Quận 7");
        assertThat(event.post.description).isEqualTo("Phòng sạch sẽ, có gác & máy lạnh");
        assertThat(event.post.status).isEqualTo("approved");
        assertThat(event.post.price).isEqualTo(2_500_000L);
        assertThat(event.post.area).isEqualTo(25.5);
        assertThat(event.post.userId).isEqualTo(9L);
        assertThat(event.post.createdAt)
                .as("datetimeoffset keeps its own offset")
                .isEqualTo(Instant.parse("2024-05-01T08:30:00.123Z").toEpochMilli());
        assertThat(event.post.updatedAt)
                .as("datetime2 is read in the server time zone, Asia/Ho_Chi_Minh")
                .isEqualTo(Instant.parse("2024-05-02T01:00:00.123Z").toEpochMilli());
    }

    @Test
    void vietnameseTextIsNormalisedToNfc() {
        String decomposed = "Phòng tro\u0323 gần chợ";
        ChangeEvent event = single(SqlServerRecords.create(row(ROW, 1, decomposed, "approved", "1"), LSN_2, LSN_1));

        assertThat(event.post.title).isEqualTo("Phòng trọ gần chợ");
    }

    @Test
    void snapshotReadHasZeroVersion() {
        ChangeEvent event = single(SqlServerRecords.read(row(ROW, 7, "Căn hộ mini", "approved", "3000000")));

        assertThat(event.operation).isEqualTo(ChangeOperation.UPSERT);
        assertThat(event.version).isEqualTo(new ChangeVersion(0, 0, 0));
        assertThat(event.sourcePosition).isEqualTo("snapshot");
        assertThat(event.version.compareTo(ChangePositions.sqlServer("00000000:00000000:0001",
                "00000000:00000000:0001", 0L))).isNegative();
    }

    @Test
    void updateReadsAfterRow() {
        Struct before = row(ROW, 5, "Giá cũ", "approved", "2000000");
        Struct after = row(ROW, 5, "Giá mới", "approved", "1800000");

        ChangeEvent event = single(SqlServerRecords.update(before, after, LSN_3, LSN_2));

        assertThat(event.operation).isEqualTo(ChangeOperation.UPDATE);
        assertThat(event.post.title).isEqualTo("Giá mới");
        assertThat(event.post.price).isEqualTo(1_800_000L);
        assertThat(event.version.positionLow & ((1L << ChangePositions.SERIAL_BITS) - 1)).isEqualTo(2L);
    }

    @Test
    void deleteUsesBeforeKey() {
        ChangeEvent event = single(SqlServerRecords.delete(row(ROW, 11, "Đã xoá", "approved", "1"), LSN_3, LSN_3));

        assertThat(event.operation).isEqualTo(ChangeOperation.DELETE);
        assertThat(event.id).isEqualTo(11L);
        assertThat(event.post).isNull();
        assertThat(event.invalidReason).isNull();
    }

    @Test
    void invalidRowCarriesReasonTableAndLsn() {
        ChangeEvent negative = single(SqlServerRecords.create(row(ROW, 3, "Phòng", "approved", "-5"), LSN_2, LSN_1));
        ChangeEvent fractional = single(SqlServerRecords.create(row(ROW, 4, "Phòng", "approved", "1500000.5"), LSN_2, LSN_1));
        ChangeEvent blankTitle = single(SqlServerRecords.create(row(ROW, 6, "  <br> ", "approved", "1"), LSN_2, LSN_1));

        assertThat(negative.invalidReason).isEqualTo("dbo.posts.price must not be negative, was -5");
        assertThat(negative.sourceName).isEqualTo("dbo.posts");
        assertThat(negative.sourcePosition).contains("commit_lsn=" + LSN_2);
        assertThat(negative.sourcePayload).contains("\"op\":\"c\"").contains("\"price\":-5.0000");
        assertThat(negative.post).isNull();
        assertThat(fractional.invalidReason).contains("dbo.posts.price must be a whole number");
        assertThat(blankTitle.invalidReason).contains("dbo.posts.title is empty");
    }

    @Test
    void addedColumnIsIgnored() {
        Struct row = row(ROW_WITH_PHONE, 8, "Phòng có số điện thoại", "approved", "2000000").put("phone", "0909123456");

        ChangeEvent event = single(SqlServerRecords.create(row, LSN_2, LSN_1));

        assertThat(event.invalidReason).isNull();
        assertThat(event.post.title).isEqualTo("Phòng có số điện thoại");
        assertThat(event.sourcePayload).contains("phone");
    }

    @Test
    void otherTablesAndNonEnvelopesAreSkipped() {
        Schema heartbeatSchema = SchemaBuilder.struct().name("io.debezium.connector.common.Heartbeat")
                .field("serverName", Schema.STRING_SCHEMA).build();
        SourceRecord heartbeat = new SourceRecord(Map.of(), Map.of(), "__debezium-heartbeat", null,
                heartbeatSchema, new Struct(heartbeatSchema).put("serverName", "x"));
        SourceRecord tombstone = new SourceRecord(Map.of(), Map.of(), "t", null, SqlServerRecords.KEY,
                new Struct(SqlServerRecords.KEY).put("id", 1L), null, null);
        ChangeEventDeserializer usersOnly = new ChangeEventDeserializer(ChangeLog.SQLSERVER,
                List.of(new SourceTable(EntityType.USER, "dbo.users", "id", Map.of("bio", "bio"))), "UTC");

        assertThat(deserialize(sqlServer, heartbeat)).isEmpty();
        assertThat(deserialize(sqlServer, tombstone)).isEmpty();
        assertThat(deserialize(usersOnly, SqlServerRecords.create(row(ROW, 1, "x", "approved", "1"), LSN_2, LSN_1))).isEmpty();
    }

    @Test
    void lsnVersionsOrderAsLsns() {
        List<String[]> ascending = List.of(
                new String[] {"00000001:00000001:0001", "00000001:00000001:0001"},
                new String[] {"00000001:00000001:0001", "00000001:00000001:0002"},
                new String[] {"00000001:00000001:0002", "00000000:00000000:0000"},
                new String[] {"00000001:ffffffff:ffff", "00000001:ffffffff:ffff"},
                new String[] {"00000002:00000000:0000", "00000001:00000000:0000"},
                new String[] {"ffffffff:ffffffff:fffe", "ffffffff:ffffffff:ffff"},
                new String[] {"ffffffff:ffffffff:ffff", "00000000:00000000:0000"});
        ChangeVersion previous = ChangePositions.snapshot();
        for (String[] lsns : ascending) {
            for (long serial : new long[] {1, 2, 1L << 40}) {
                ChangeVersion version = ChangePositions.sqlServer(lsns[0], lsns[1], serial);
                assertThat(version.version).as("version of %s", (Object) lsns).isNotNegative();
                assertThat(version.positionHigh).isNotNegative();
                assertThat(version.positionLow).isNotNegative();
                assertThat(version.isNewerThan(previous) || version.equals(previous))
                        .as("%s/%s serial %d after %s", lsns[0], lsns[1], serial, previous).isTrue();
                previous = version;
            }
        }
        assertThat(ChangePositions.sqlServer(LSN_1, LSN_1, 1L)).isEqualTo(ChangePositions.sqlServer(LSN_1, LSN_1, 1L));
    }

    @Test
    void malformedLsnIsInvalidRow() {
        ChangeEvent event = single(SqlServerRecords.create(row(ROW, 3, "Phòng", "approved", "1"), "2b:1a8:3", LSN_1));

        assertThat(event.invalidReason).contains("commit_lsn must be an LSN such as 0000002b:000001a8:0003");
    }

    /**
     * Redelivery after a restore and reordering: a duplicate update, an older create arriving after
     * a newer update, a snapshot row arriving after streamed changes, and an update older than a
     * delete. Latest write wins must keep only the newest change per row.
     */
    @Test
    void reorderedDuplicatesKeepNewestChange() throws Exception {
        Struct v1 = row(ROW, 1, "Bản 1", "approved", "1000000");
        Struct v2 = row(ROW, 1, "Bản 2", "approved", "2000000");
        Struct v3 = row(ROW, 1, "Bản 3", "hidden", "3000000");
        List<SourceRecord> deliveries = List.of(
                SqlServerRecords.update(v1, v2, LSN_2, LSN_2),
                SqlServerRecords.create(v1, LSN_1, LSN_1),
                SqlServerRecords.update(v1, v2, LSN_2, LSN_2),
                SqlServerRecords.read(v1),
                SqlServerRecords.update(v2, v3, LSN_3, LSN_3),
                SqlServerRecords.update(v1, v2, LSN_2, LSN_2),
                SqlServerRecords.read(row(ROW, 2, "Chỉ có snapshot", "approved", "5")),
                SqlServerRecords.delete(row(ROW, 3, "Xoá", "approved", "5"), LSN_3, LSN_3),
                SqlServerRecords.create(row(ROW, 3, "Tạo trước khi xoá", "approved", "5"), LSN_2, LSN_2),
                SqlServerRecords.read(row(ROW, 3, "Snapshot trước khi xoá", "approved", "5")));

        List<SyncAction> actions = new ArrayList<>();
        try (KeyedOneInputStreamOperatorTestHarness<String, ChangeEvent, SyncAction> harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new LatestWriteWinsFunction(Set.of("approved"), Duration.ofDays(7))),
                        ChangeEvent::entityKey,
                        Types.STRING)) {
            harness.open();
            for (SourceRecord record : deliveries) {
                for (ChangeEvent event : deserialize(sqlServer, record)) {
                    harness.processElement(new StreamRecord<>(event));
                }
            }
            actions.addAll(harness.extractOutputValues());
        }

        Map<Long, List<String>> byId = actions.stream().collect(Collectors.groupingBy(
                action -> action.id, LinkedHashMap::new,
                Collectors.mapping(action -> action.type + (action.post == null ? "" : " " + action.post.title),
                        Collectors.toList())));
        assertThat(byId.get(1L)).containsExactly("UPSERT Bản 2", SyncActionType.DELETE.name());
        assertThat(byId.get(2L)).containsExactly("UPSERT Chỉ có snapshot");
        assertThat(byId.get(3L)).containsExactly(SyncActionType.DELETE.name());
    }

    private ChangeEvent single(SourceRecord record) {
        List<ChangeEvent> events = deserialize(sqlServer, record);
        assertThat(events).hasSize(1);
        return events.get(0);
    }

    static List<ChangeEvent> deserialize(ChangeEventDeserializer deserializer, SourceRecord record) {
        List<ChangeEvent> events = new ArrayList<>();
        deserializer.deserialize(record, new Collector<>() {
            @Override
            public void collect(ChangeEvent event) {
                events.add(event);
            }

            @Override
            public void close() {}
        });
        return events;
    }
}
