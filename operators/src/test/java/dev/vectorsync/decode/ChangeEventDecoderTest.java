package dev.vectorsync.decode;

import dev.vectorsync.event.ChangeEvent;
import dev.vectorsync.event.ChangeOperation;
import dev.vectorsync.event.ChangeVersion;
import dev.vectorsync.event.EntityType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.Arguments;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChangeEventDecoderTest {

    private static final ChangeVersion ENTRY_VERSION = new ChangeVersion(1700000000000L, 1700000000000L, 2);

    private final ChangeEventDecoder decoder = new ChangeEventDecoder(64 * 1024);

    @Test
    void decodesPostInsert() throws Exception {
        String payload =
                "{\"operation\":\"insert\",\"postId\":123,\"version\":42,\"data\":{"
                        + "\"title\":\"Cho thuê <b>phòng trọ</b> Quận 7\","
                        + "\"description\":\"Phòng mới &amp; sạch\",\"price\":\"2000000\","
                        + "\"area\":25.5,\"address\":\"[SỐ] Đường Nguyễn Thị Thập, Quận 7\","
                        + "\"ward\":\"Phường Tân Phú\",\"district\":\"Quận 7\","
                        + "\"city\":\"Hồ Chí Minh\",\"status\":\"Approved\",\"category\":\"phong-tro\","
                        + "\"userId\":9,\"createdAt\":\"2024-05-01T08:30:00Z\","
                        + "\"updatedAt\":1714552200000,\"phone\":\"0900000000\"}}";

        ChangeEvent event = decode(EntityType.POST, payload);

        assertThat(event.id).isEqualTo(123L);
        assertThat(event.operation).isEqualTo(ChangeOperation.INSERT);
        assertThat(event.version).isEqualTo(new ChangeVersion(42, 1700000000000L, 2));
        assertThat(event.post.title).isEqualTo("Cho thuê phòng trọ Quận 7");
        assertThat(event.post.description).isEqualTo("Phòng mới & sạch");
        assertThat(event.post.price).isEqualTo(2_000_000L);
        assertThat(event.post.area).isEqualTo(25.5);
        assertThat(event.post.status).isEqualTo("approved");
        assertThat(event.post.userId).isEqualTo(9L);
        assertThat(event.post.createdAt).isEqualTo(1714552200000L);
        assertThat(event.post.updatedAt).isEqualTo(1714552200000L);
        assertThat(event.sourceName).isEqualTo("post-sync");
        assertThat(event.sourcePosition).isEqualTo("1700000000000-2");
        assertThat(event.sourcePayload).isEqualTo(payload);
    }

    @Test
    void entryIdOrdersWhenVersionMissing() throws Exception {
        ChangeEvent event =
                decode(EntityType.POST, "{\"operation\":\"delete\",\"postId\":\"5\"}");

        assertThat(event.version).isEqualTo(ENTRY_VERSION);
        assertThat(event.operation).isEqualTo(ChangeOperation.DELETE);
        assertThat(event.post).isNull();
    }

    @Test
    void decodesUserUpdate() throws Exception {
        String payload =
                "{\"operation\":\"update\",\"userId\":7,\"data\":{\"bio\":\"Sinh viên cần phòng gần"
                        + " ĐH Bách Khoa\",\"preferredCity\":\"Hà Nội\",\"budgetMin\":1500000,"
                        + "\"budgetMax\":\"3000000\",\"email\":\"a@b.c\"}}";

        ChangeEvent event = decode(EntityType.USER, payload);

        assertThat(event.id).isEqualTo(7L);
        assertThat(event.user.bio).isEqualTo("Sinh viên cần phòng gần ĐH Bách Khoa");
        assertThat(event.user.preferredCity).isEqualTo("Hà Nội");
        assertThat(event.user.budgetMax).isEqualTo(3_000_000L);
    }

    @Test
    void longTitleIsCutToByteLimit() throws Exception {
        String title = "Phòng trọ đẹp ".repeat(200);
        String payload =
                "{\"operation\":\"upsert\",\"postId\":1,\"data\":{\"title\":\"" + title
                        + "\",\"status\":\"approved\"}}";

        ChangeEvent event = decode(EntityType.POST, payload);

        assertThat(event.post.title.getBytes(StandardCharsets.UTF_8).length)
                .isLessThanOrEqualTo(dev.vectorsync.milvus.PostFields.TITLE_MAX_BYTES);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidPostPayloads")
    void invalidPostPayloadRejected(String kind, String payload, String reasonFragment) {
        assertThatThrownBy(() -> decode(EntityType.POST, payload))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining(reasonFragment);
    }

    static Stream<Arguments> invalidPostPayloads() {
        String ok = "\"status\":\"approved\"";
        return Stream.of(
                Arguments.of("missing payload", null, "missing field job"),
                Arguments.of("blank payload", "   ", "job is empty"),
                Arguments.of("not JSON", "insert post 5", "not valid JSON"),
                Arguments.of("truncated JSON", "{\"operation\":\"insert\",\"postId\":1", "not valid JSON"),
                Arguments.of("JSON array", "[1,2]", "must be a JSON object"),
                Arguments.of("JSON string", "\"hello\"", "must be a JSON object"),
                Arguments.of("trailing garbage", "{\"operation\":\"delete\",\"postId\":1} x", "not valid JSON"),
                Arguments.of("duplicate key", "{\"operation\":\"delete\",\"postId\":1,\"postId\":2}", "not valid JSON"),
                Arguments.of("missing operation", "{\"postId\":1}", "missing field operation"),
                Arguments.of("operation not a string", "{\"operation\":1,\"postId\":1}", "operation must be a string"),
                Arguments.of("unknown operation", "{\"operation\":\"merge\",\"postId\":1}", "unknown operation 'merge'"),
                Arguments.of("missing id", "{\"operation\":\"delete\"}", "missing field postId"),
                Arguments.of("user id on post stream", "{\"operation\":\"delete\",\"userId\":1}", "missing field postId"),
                Arguments.of("non-numeric id", "{\"operation\":\"delete\",\"postId\":\"abc\"}", "postId must be a number"),
                Arguments.of("boolean id", "{\"operation\":\"delete\",\"postId\":true}", "postId must be a number"),
                Arguments.of("zero id", "{\"operation\":\"delete\",\"postId\":0}", "postId must be a positive integer"),
                Arguments.of("negative id", "{\"operation\":\"delete\",\"postId\":-4}", "postId must be a positive integer"),
                Arguments.of("fractional id", "{\"operation\":\"delete\",\"postId\":1.5}", "whole number"),
                Arguments.of("id over 64 bits", "{\"operation\":\"delete\",\"postId\":99999999999999999999}", "whole number"),
                Arguments.of("non-numeric version", "{\"operation\":\"delete\",\"postId\":1,\"version\":\"v2\"}", "version must be a number"),
                Arguments.of("negative version", "{\"operation\":\"delete\",\"postId\":1,\"version\":-1}", "version must not be negative"),
                Arguments.of("missing data", "{\"operation\":\"insert\",\"postId\":1}", "missing field data"),
                Arguments.of("data not an object", "{\"operation\":\"update\",\"postId\":1,\"data\":\"x\"}", "data must be a JSON object"),
                Arguments.of("missing title", "{\"operation\":\"insert\",\"postId\":1,\"data\":{" + ok + "}}", "missing field data.title"),
                Arguments.of("title not a string", "{\"operation\":\"insert\",\"postId\":1,\"data\":{\"title\":5," + ok + "}}", "data.title must be a string"),
                Arguments.of("title only markup", "{\"operation\":\"insert\",\"postId\":1,\"data\":{\"title\":\"<p> </p>\"," + ok + "}}", "data.title is empty"),
                Arguments.of("missing status", "{\"operation\":\"insert\",\"postId\":1,\"data\":{\"title\":\"a\"}}", "missing field data.status"),
                Arguments.of("price boolean", "{\"operation\":\"insert\",\"postId\":1,\"data\":{\"title\":\"a\",\"price\":true," + ok + "}}", "data.price must be a number"),
                Arguments.of("price with thousands separators", "{\"operation\":\"insert\",\"postId\":1,\"data\":{\"title\":\"a\",\"price\":\"2.000.000\"," + ok + "}}", "data.price must be a number"),
                Arguments.of("negative price", "{\"operation\":\"insert\",\"postId\":1,\"data\":{\"title\":\"a\",\"price\":-5," + ok + "}}", "data.price must not be negative"),
                Arguments.of("area object", "{\"operation\":\"insert\",\"postId\":1,\"data\":{\"title\":\"a\",\"area\":{}," + ok + "}}", "data.area must be a number"),
                Arguments.of("bad date", "{\"operation\":\"insert\",\"postId\":1,\"data\":{\"title\":\"a\",\"createdAt\":\"hôm qua\"," + ok + "}}", "data.createdAt must be epoch milliseconds"),
                Arguments.of("owner id string", "{\"operation\":\"insert\",\"postId\":1,\"data\":{\"title\":\"a\",\"userId\":\"x9\"," + ok + "}}", "data.userId must be a number"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "budget inverted|{\"operation\":\"insert\",\"userId\":1,\"data\":{\"bio\":\"x\",\"budgetMin\":5,\"budgetMax\":1}}|greater than data.budgetMax",
                "no profile text|{\"operation\":\"insert\",\"userId\":1,\"data\":{\"budgetMax\":1}}|no profile text",
                "post id on user stream|{\"operation\":\"delete\",\"postId\":1}|missing field userId"
            })
    void invalidUserPayloadRejected(String kind, String payload, String reasonFragment) {
        assertThatThrownBy(() -> decode(EntityType.USER, payload))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining(reasonFragment);
    }

    @Test
    void oversizedPayloadRejected() {
        ChangeEventDecoder small = new ChangeEventDecoder(100);
        String payload = "{\"operation\":\"delete\",\"postId\":1,\"pad\":\"" + "x".repeat(200) + "\"}";

        assertThatThrownBy(
                        () -> small.decode(EntityType.POST, "post-sync", "1-0", payload, ENTRY_VERSION))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("more than the limit of 100 bytes");
    }

    private ChangeEvent decode(EntityType type, String payload) throws InvalidEventException {
        String stream = type == EntityType.POST ? "post-sync" : "user-sync";
        return decoder.decode(type, stream, "1700000000000-2", payload, ENTRY_VERSION);
    }
}
