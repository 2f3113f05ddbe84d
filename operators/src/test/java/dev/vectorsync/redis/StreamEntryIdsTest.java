package dev.vectorsync.redis;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StreamEntryIdsTest {

    @Test
    void previousDecrementsSequence() {
        assertThat(StreamEntryIds.previous("1700000000000-3")).isEqualTo("1700000000000-2");
    }

    @Test
    void previousOfSequenceZeroMovesToEarlierMillisecond() {
        assertThat(StreamEntryIds.previous("1700000000000-0"))
                .isEqualTo("1699999999999-" + Long.MAX_VALUE);
    }

    @Test
    void previousOfMinimumIsMinimum() {
        assertThat(StreamEntryIds.previous("0-0")).isEqualTo("0-0");
    }

    @Test
    void compareOrdersNumerically() {
        assertThat(StreamEntryIds.isAfter("10-0", "9-5")).isTrue();
        assertThat(StreamEntryIds.isAfter("9-10", "9-9")).isTrue();
        assertThat(StreamEntryIds.compare("9-9", "9-9")).isZero();
    }

    @Test
    void parseRejectsGarbage() {
        assertThatThrownBy(() -> StreamEntryIds.parse("abc-def"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("abc-def");
    }
}
