package dev.vectorsync.ordering;

import dev.vectorsync.action.SyncAction;
import dev.vectorsync.action.SyncActionType;
import dev.vectorsync.event.ChangeVersion;
import dev.vectorsync.event.EntityType;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class StaleResultGuardTest {

    @Test
    void dropsResultsThatFinishOutOfOrder() throws Exception {
        try (var harness = newHarness()) {
            harness.open();
            harness.processElement(new StreamRecord<>(action(1, SyncActionType.UPSERT, 2)));
            harness.processElement(new StreamRecord<>(action(1, SyncActionType.UPSERT, 1)));
            harness.processElement(new StreamRecord<>(action(1, SyncActionType.DELETE, 3)));
            harness.processElement(new StreamRecord<>(action(2, SyncActionType.UPSERT, 1)));

            assertThat(harness.extractOutputValues())
                    .extracting(a -> a.id + "@" + a.version.version)
                    .containsExactly("1@2", "1@3", "2@1");
        }
    }

    @Test
    void delayedUpsertAfterDeleteIsDropped() throws Exception {
        try (var harness = newHarness()) {
            harness.open();
            harness.processElement(new StreamRecord<>(action(1, SyncActionType.DELETE, 5)));
            harness.processElement(new StreamRecord<>(action(1, SyncActionType.UPSERT, 4)));

            assertThat(harness.extractOutputValues()).extracting(a -> a.type)
                    .containsExactly(SyncActionType.DELETE);
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, SyncAction, SyncAction>
            newHarness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new StaleResultGuard(Duration.ofHours(1))),
                SyncAction::entityKey,
                Types.STRING);
    }

    private static SyncAction action(long id, SyncActionType type, long version) {
        SyncAction action = new SyncAction();
        action.entityType = EntityType.POST;
        action.id = id;
        action.type = type;
        action.version = new ChangeVersion(version, 0, 0);
        return action;
    }
}
