package dev.vectorsync.milvus;

import static dev.vectorsync.milvus.SyncActions.delete;
import static dev.vectorsync.milvus.SyncActions.postUpsert;
import static dev.vectorsync.milvus.SyncActions.userUpsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectorsync.action.SyncAction;
import dev.vectorsync.event.EntityType;
import dev.vectorsync.testing.ManualProcessingTimeService;
import dev.vectorsync.testing.MilvusLiteServer;

import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;

import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.data.EmbeddedText;
import io.milvus.v2.service.vector.response.SearchResp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

class MilvusSinkWriterTest {

    @RegisterExtension static final MilvusLiteServer MILVUS = new MilvusLiteServer();

    private static final int DIMENSION = 4;
    private static final long START_TIME = 1_000_000L;

    private final ManualProcessingTimeService timeService =
            new ManualProcessingTimeService(START_TIME);
    private String posts;
    private String users;
    private MilvusClientV2 client;
    private MilvusSinkWriter writer;

    @BeforeEach
    void createNames() {
        String suffix = UUID.randomUUID().toString().replace("-", "");
        posts = "posts_" + suffix;
        users = "users_" + suffix;
        client = MILVUS.createClient();
    }

    @AfterEach
    void closeAll() {
        if (writer != null) {
            writer.close();
        }
        client.close();
    }

    @Test
    void keepsLastActionPerKey() throws Exception {
        writer = openWriter(100);
        writer.write(postUpsert(2, 1, "Phòng trọ cũ", DIMENSION), null);
        writer.flush(false);

        writer.write(postUpsert(1, 1, "Phòng trọ giá rẻ", DIMENSION), null);
        writer.write(postUpsert(1, 2, "Phòng trọ giá rẻ có máy lạnh", DIMENSION), null);
        writer.write(postUpsert(2, 2, "Phòng trọ cũ sửa lại", DIMENSION), null);
        writer.write(delete(EntityType.POST, 2, 3), null);
        writer.write(postUpsert(3, 1, "Căn hộ mini Bình Thạnh", DIMENSION), null);

        assertThat(writer.bufferedActions()).isEqualTo(3);
        writer.flush(false);

        Map<Long, Map<String, Object>> rows = queryAll(posts);
        assertThat(rows).containsOnlyKeys(1L, 3L);
        assertThat(rows.get(1L)).containsEntry(PostFields.TITLE, "Phòng trọ giá rẻ có máy lạnh");
        assertThat(rows.get(1L)).containsEntry(BookkeepingFields.SOURCE_VERSION, 2L);
        assertThat(writer.metrics().getRowsDeleted().getCount()).isEqualTo(1);
        assertThat(writer.metrics().getRowsUpserted().getCount()).isEqualTo(3);
    }

    @Test
    void flushesWhenBufferIsFull() throws Exception {
        writer = openWriter(3);

        writer.write(postUpsert(1, 1, "Phòng trọ Quận 1", DIMENSION), null);
        writer.write(userUpsert(1, 1, "Sinh viên cần tìm phòng", DIMENSION), null);
        assertThat(queryAll(posts)).isEmpty();
        assertThat(writer.bufferedActions()).isEqualTo(2);

        writer.write(postUpsert(2, 1, "Phòng trọ Quận 3", DIMENSION), null);

        assertThat(writer.bufferedActions()).isZero();
        assertThat(queryAll(posts)).containsOnlyKeys(1L, 2L);
        assertThat(queryAll(users)).containsOnlyKeys(1L);
        assertThat(writer.metrics().getFlushes().getCount()).isEqualTo(1);
    }

    @Test
    void flushesAfterMaxBufferDelay() throws Exception {
        writer = openWriter(100);

        writer.write(postUpsert(1, 1, "Phòng trọ Gò Vấp", DIMENSION), null);
        timeService.advanceTo(START_TIME + 100);
        writer.write(postUpsert(2, 1, "Phòng trọ Tân Bình", DIMENSION), null);
        timeService.advanceTo(START_TIME + 199);
        assertThat(writer.bufferedActions()).isEqualTo(2);

        timeService.advanceTo(START_TIME + 200);

        assertThat(writer.bufferedActions()).isZero();
        assertThat(queryAll(posts)).containsOnlyKeys(1L, 2L);
    }

    @Test
    void staleTimerWaitsForNextBatch() throws Exception {
        writer = openWriter(100);
        writer.write(postUpsert(1, 1, "Phòng trọ Quận 10", DIMENSION), null);
        writer.flush(false);

        timeService.advanceTo(START_TIME + 150);
        writer.write(postUpsert(2, 1, "Phòng trọ Quận 11", DIMENSION), null);
        timeService.advanceTo(START_TIME + 200);
        assertThat(writer.bufferedActions()).isEqualTo(1);

        timeService.advanceTo(START_TIME + 350);
        assertThat(writer.bufferedActions()).isZero();
        assertThat(timeService.pendingTimers()).isZero();
    }

    @Test
    void flushBeforeCheckpointSendsEverything() throws Exception {
        writer = openWriter(100);
        writer.write(postUpsert(1, 1, "Nhà nguyên căn Thủ Đức", DIMENSION), null);
        writer.write(userUpsert(5, 1, "Cần thuê nhà gần Đại học Quốc gia", DIMENSION), null);

        writer.flush(false);

        assertThat(writer.bufferedActions()).isZero();
        assertThat(queryAll(posts)).containsOnlyKeys(1L);
        assertThat(queryAll(users)).containsOnlyKeys(5L);
    }

    @Test
    void replayLeavesIdenticalRows() throws Exception {
        writer = openWriter(100);
        List<SyncAction> actions =
                List.of(
                        postUpsert(1, 1, "Phòng trọ Quận 7 gần Lotte", DIMENSION),
                        postUpsert(2, 1, "Ký túc xá Quận 5", DIMENSION),
                        delete(EntityType.POST, 3, 1),
                        userUpsert(9, 1, "Tìm phòng ở ghép", DIMENSION));
        for (SyncAction action : actions) {
            writer.write(action, null);
        }
        writer.flush(false);
        Map<Long, Map<String, Object>> postsBefore = queryAll(posts);
        Map<Long, Map<String, Object>> usersBefore = queryAll(users);

        for (SyncAction action : actions) {
            writer.write(action, null);
        }
        writer.flush(false);

        assertThat(queryAll(posts)).isEqualTo(postsBefore);
        assertThat(queryAll(users)).isEqualTo(usersBefore);
    }

    @Test
    void deleteOfMissingIdPasses() throws Exception {
        writer = openWriter(100);
        writer.write(delete(EntityType.POST, 404, 1), null);
        writer.write(delete(EntityType.USER, 405, 1), null);

        writer.flush(false);

        assertThat(queryAll(posts)).isEmpty();
        assertThat(writer.metrics().getRowsDeleted().getCount()).isEqualTo(2);
    }

    @Test
    void writesEveryPostField() throws Exception {
        writer = openWriter(100);
        SyncAction action = postUpsert(42, 7, "Phòng trọ có ban công", DIMENSION);
        action.post.area = null;
        action.post.ward = null;
        writer.write(action, null);
        writer.flush(false);

        Map<String, Object> row = queryAll(posts).get(42L);
        assertThat(row)
                .containsEntry(PostFields.TITLE, "Phòng trọ có ban công")
                .containsEntry(PostFields.DESCRIPTION, action.post.description)
                .containsEntry(PostFields.ADDRESS_TEXT, action.post.address)
                .containsEntry(PostFields.PRICE, 3_500_000L)
                .containsEntry(PostFields.CITY, "Hồ Chí Minh")
                .containsEntry(PostFields.DISTRICT, "Quận 7")
                .containsEntry(PostFields.STATUS, "approved")
                .containsEntry(PostFields.CATEGORY, "phong-tro")
                .containsEntry(PostFields.USER_ID, 77L)
                .containsEntry(PostFields.CREATED_AT, 1_700_000_000_000L)
                .containsEntry(PostFields.UPDATED_AT, 1_700_000_000_007L)
                .containsEntry(BookkeepingFields.SOURCE_VERSION, 7L)
                .containsEntry(BookkeepingFields.TEXT_HASH, action.textHash)
                .containsEntry(BookkeepingFields.EMBEDDING_MODEL, SyncActions.MODEL)
                .containsEntry(BookkeepingFields.EMBEDDING_DIMENSION, DIMENSION);
        assertThat(row.get(PostFields.AREA)).isNull();
        assertThat(row.get(PostFields.WARD)).isNull();
        assertThat((List<?>) row.get(PostFields.DENSE_VECTOR)).hasSize(DIMENSION);
    }

    @Test
    void bm25SearchFindsVietnameseTitle() throws Exception {
        writer = openWriter(100);
        writer.write(postUpsert(1, 1, "Cho thuê phòng trọ quận 7 gần Đại học Tôn Đức Thắng", DIMENSION), null);
        writer.write(postUpsert(2, 1, "Căn hộ dịch vụ cao cấp Quận 1, full nội thất", DIMENSION), null);
        writer.write(postUpsert(3, 1, "Nhà nguyên căn hẻm xe hơi Bình Thạnh", DIMENSION), null);
        writer.write(postUpsert(4, 1, "Ở ghép nữ gần chợ Bà Chiểu", DIMENSION), null);
        writer.flush(false);

        SearchResp response =
                client.search(
                        SearchReq.builder()
                                .collectionName(posts)
                                .annsField(PostFields.SPARSE_TITLE)
                                .data(List.of(new EmbeddedText("Phòng trọ Quận 7")))
                                .limit(3)
                                .outputFields(List.of(PostFields.TITLE))
                                .consistencyLevel(ConsistencyLevel.STRONG)
                                .build());

        List<SearchResp.SearchResult> hits = response.getSearchResults().get(0);
        assertThat(hits).isNotEmpty();
        assertThat(hits.get(0).getId()).isEqualTo(1L);
    }

    @Test
    void rejectsFailedAction() {
        writer = openWriter(100);
        SyncAction action = postUpsert(1, 1, "Phòng trọ", DIMENSION);
        action.failure = "embedding timed out";

        assertThatThrownBy(() -> writer.write(action, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dead-letter")
                .hasMessageContaining("embedding timed out");
        assertThat(writer.bufferedActions()).isZero();
    }

    @Test
    void rejectsTitleOverByteLimit() {
        writer = openWriter(100);
        // "ệ" takes 3 UTF-8 bytes, so 400 of them exceed the 1024-byte title limit.
        SyncAction action = postUpsert(1, 1, "ệ".repeat(400), DIMENSION);

        assertThatThrownBy(() -> writer.write(action, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("POST:1")
                .hasMessageContaining(PostFields.TITLE)
                .hasMessageContaining("1200 UTF-8 bytes")
                .hasMessageContaining("limit of 1024");
    }

    @Test
    void rejectsVectorOfOtherDimension() {
        writer = openWriter(100);
        SyncAction action = postUpsert(1, 1, "Phòng trọ", DIMENSION + 1);

        assertThatThrownBy(() -> writer.write(action, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("collection expects " + DIMENSION);
    }

    private MilvusSinkWriter openWriter(int maxBufferedActions) {
        MilvusSink sink =
                MilvusSink.builder()
                        .connectionConfig(MILVUS.connectionConfig().build())
                        .postsCollection(posts)
                        .usersCollection(users)
                        .vectorDimension(DIMENSION)
                        .maxBufferedActions(maxBufferedActions)
                        .maxBufferDelay(Duration.ofMillis(200))
                        .build();
        return new MilvusSinkWriter(
                sink, timeService, UnregisteredMetricsGroup.createSinkWriterMetricGroup(), 0);
    }

    /** Returns every row of the collection by id, with all stored fields. */
    private Map<Long, Map<String, Object>> queryAll(String collection) {
        Map<Long, Map<String, Object>> rows = new TreeMap<>();
        client.query(
                        QueryReq.builder()
                                .collectionName(collection)
                                .filter("id >= 0")
                                .outputFields(List.of("*"))
                                .consistencyLevel(ConsistencyLevel.STRONG)
                                .build())
                .getQueryResults()
                .forEach(result -> rows.put((Long) result.getEntity().get("id"), result.getEntity()));
        return rows;
    }
}
