package dev.vectorsync.ordering;

import dev.vectorsync.action.SyncAction;
import dev.vectorsync.action.SyncActionType;
import dev.vectorsync.event.ChangeEvent;
import dev.vectorsync.event.ChangeOperation;
import dev.vectorsync.event.ChangeVersion;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.vectorsync.ordering.ChangeEvents.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LatestWriteWinsFunctionTest {

    private KeyedOneInputStreamOperatorTestHarness<String, ChangeEvent, SyncAction> harness;

    @BeforeEach
    void openHarness() throws Exception {
        harness = newHarness();
        harness.open();
    }

    @AfterEach
    void closeHarness() throws Exception {
        harness.close();
    }

    @Test
    void unchangedTextMayReuseVector() throws Exception {
        ChangeEvent insert = post(1, ChangeOperation.INSERT, 1, "approved");
        ChangeEvent priceOnly = post(1, ChangeOperation.UPDATE, 2, "approved");
        priceOnly.post.title = insert.post.title;
        priceOnly.post.price = 9_000_000L;
        ChangeEvent newTitle = post(1, ChangeOperation.UPDATE, 3, "approved");

        process(insert);
        process(priceOnly);
        process(newTitle);

        assertThat(output()).extracting(action -> action.mayReuseStoredVector).containsExactly(false, true, false);
        assertThat(output().get(1).textHash).isEqualTo(output().get(0).textHash);
    }

    @Test
    void unknownRowUpdateMayReuseVector() throws Exception {
        // Rows written before this job's state existed (a backfill, an older savepoint) are in
        // Milvus already; a new row is not.
        process(post(1, ChangeOperation.UPDATE, 1, "approved"));
        process(post(2, ChangeOperation.UPSERT, 1, "approved"));
        process(post(3, ChangeOperation.INSERT, 1, "approved"));

        assertThat(output()).extracting(action -> action.mayReuseStoredVector).containsExactly(true, true, false);
    }

    @Test
    void deleteForgetsTextHash() throws Exception {
        ChangeEvent insert = post(1, ChangeOperation.INSERT, 1, "approved");
        ChangeEvent hidden = post(1, ChangeOperation.UPDATE, 2, "hidden");
        hidden.post.title = insert.post.title;
        ChangeEvent shownAgain = post(1, ChangeOperation.INSERT, 3, "approved");
        shownAgain.post.title = insert.post.title;

        process(insert);
        process(hidden);
        process(shownAgain);

        assertThat(output()).extracting(action -> action.type)
                .containsExactly(SyncActionType.UPSERT, SyncActionType.DELETE, SyncActionType.UPSERT);
        assertThat(output().get(2).mayReuseStoredVector).isFalse();
    }

    @Test
    void outOfOrderVersionsEndAtNewest() throws Exception {
        process(post(1, ChangeOperation.INSERT, 3, "approved"));
        process(post(1, ChangeOperation.UPDATE, 1, "approved"));
        process(post(1, ChangeOperation.UPDATE, 2, "approved"));

        assertThat(versionsOut()).containsExactly(3L);
    }

    @Test
    void duplicateEntryIsDropped() throws Exception {
        process(post(1, ChangeOperation.INSERT, 1, "approved"));
        process(post(1, ChangeOperation.INSERT, 1, "approved"));
        process(post(1, ChangeOperation.UPDATE, 2, "approved"));
        process(post(1, ChangeOperation.UPDATE, 2, "approved"));

        assertThat(versionsOut()).containsExactly(1L, 2L);
    }

    @Test
    void sameVersionLaterEntryWins() throws Exception {
        ChangeEvent first = post(1, ChangeOperation.UPDATE, 5, "approved");
        first.version = new ChangeVersion(5, 100, 0);
        ChangeEvent second = post(1, ChangeOperation.UPDATE, 5, "approved");
        second.version = new ChangeVersion(5, 100, 1);

        process(second);
        process(first);

        assertThat(output()).hasSize(1);
        assertThat(output().get(0).version).isEqualTo(new ChangeVersion(5, 100, 1));
    }

    @Test
    void deleteThenOlderUpdateStaysDeleted() throws Exception {
        process(post(1, ChangeOperation.INSERT, 1, "approved"));
        process(post(1, ChangeOperation.DELETE, 3, null));
        process(post(1, ChangeOperation.UPDATE, 2, "approved"));

        List<SyncAction> out = output();
        assertThat(out).extracting(a -> a.type)
                .containsExactly(SyncActionType.UPSERT, SyncActionType.DELETE);
        assertThat(out.get(1).version.version).isEqualTo(3L);
    }

    @Test
    void newerInsertAfterDeleteComesBack() throws Exception {
        process(post(1, ChangeOperation.DELETE, 3, null));
        process(post(1, ChangeOperation.INSERT, 4, "approved"));

        assertThat(output()).extracting(a -> a.type)
                .containsExactly(SyncActionType.DELETE, SyncActionType.UPSERT);
    }

    @Test
    void tombstoneExpiresAfterTtl() throws Exception {
        harness.setStateTtlProcessingTime(0);
        process(post(1, ChangeOperation.DELETE, 3, null));
        harness.setStateTtlProcessingTime(Duration.ofDays(8).toMillis());
        process(post(1, ChangeOperation.UPDATE, 2, "approved"));

        assertThat(output()).extracting(a -> a.type)
                .containsExactly(SyncActionType.DELETE, SyncActionType.UPSERT);
    }

    @Test
    void unpublishedPostBecomesDeleteAndReturns() throws Exception {
        process(post(1, ChangeOperation.INSERT, 1, "approved"));
        process(post(1, ChangeOperation.UPDATE, 2, "hidden"));
        process(post(1, ChangeOperation.UPDATE, 3, "Active"));

        assertThat(output()).extracting(a -> a.type)
                .containsExactly(
                        SyncActionType.UPSERT, SyncActionType.DELETE, SyncActionType.UPSERT);
    }

    @Test
    void olderApprovalAfterRejectionStaysDeleted() throws Exception {
        process(post(1, ChangeOperation.UPDATE, 5, "rejected"));
        process(post(1, ChangeOperation.UPDATE, 4, "approved"));

        assertThat(output()).extracting(a -> a.type).containsExactly(SyncActionType.DELETE);
    }

    @Test
    void upsertCarriesTextAndHash() throws Exception {
        process(post(7, ChangeOperation.INSERT, 1, "approved"));

        SyncAction action = output().get(0);
        assertThat(action.embeddingText).isEqualTo("Phòng trọ phiên bản 1");
        assertThat(action.textHash).hasSize(64);
        assertThat(action.post.price).isEqualTo(1_000_000L);
    }

    @Test
    void keysAreIndependent() throws Exception {
        process(post(1, ChangeOperation.INSERT, 5, "approved"));
        process(post(2, ChangeOperation.INSERT, 1, "approved"));

        assertThat(output()).extracting(a -> a.id).containsExactly(1L, 2L);
    }

    @Test
    void stateSurvivesSnapshotRestore() throws Exception {
        process(post(1, ChangeOperation.INSERT, 3, "approved"));
        var snapshot = harness.snapshot(1L, 1L);
        harness.close();

        harness = newHarness();
        harness.initializeState(snapshot);
        harness.open();
        process(post(1, ChangeOperation.UPDATE, 2, "approved"));
        process(post(1, ChangeOperation.UPDATE, 4, "approved"));

        assertThat(versionsOut()).containsExactly(4L);
    }

    @Test
    void emptyStatusSetRejected() {
        assertThatThrownBy(() -> new LatestWriteWinsFunction(Set.of(), Duration.ofDays(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("publishableStatuses");
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, ChangeEvent, SyncAction>
            newHarness() throws Exception {
        LatestWriteWinsFunction function =
                new LatestWriteWinsFunction(Set.of("approved", "active"), Duration.ofDays(7));
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(function), ChangeEvent::entityKey, Types.STRING);
    }

    private void process(ChangeEvent event) throws Exception {
        harness.processElement(new StreamRecord<>(event));
    }

    private List<SyncAction> output() {
        return harness.extractOutputValues();
    }

    private List<Long> versionsOut() {
        return output().stream().map(a -> a.version.version).collect(Collectors.toList());
    }
}
