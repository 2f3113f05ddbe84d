package dev.vectorsync.event;

import java.io.Serializable;
import java.util.Objects;

/**
 * Position of a write in the history of one row; of two writes to the same row, the one with the
 * greater version is the later one.
 *
 * <p>Versions compare as the tuple ({@code version}, {@code positionHigh}, {@code positionLow}).
 * For Redis Streams events {@code version} is the payload's {@code version} (for example
 * updatedAt in epoch milliseconds) or, when the payload has none, the millisecond part of the
 * stream entry id; {@code positionHigh} and {@code positionLow} are the two parts of the entry id,
 * so that two writes with the same payload version are ordered as they were appended. Other
 * sources map their change positions onto the same three numbers.
 *
 * <p>This is a Flink POJO (public fields, no-argument constructor) so that keyed state holding it
 * can evolve.
 */
public class ChangeVersion implements Comparable<ChangeVersion>, Serializable {

    private static final long serialVersionUID = 1L;

    public long version;
    public long positionHigh;
    public long positionLow;

    public ChangeVersion() {}

    public ChangeVersion(long version, long positionHigh, long positionLow) {
        this.version = version;
        this.positionHigh = positionHigh;
        this.positionLow = positionLow;
    }

    @Override
    public int compareTo(ChangeVersion other) {
        int byVersion = Long.compare(version, other.version);
        if (byVersion != 0) {
            return byVersion;
        }
        int byHigh = Long.compare(positionHigh, other.positionHigh);
        if (byHigh != 0) {
            return byHigh;
        }
        return Long.compare(positionLow, other.positionLow);
    }

    public boolean isNewerThan(ChangeVersion other) {
        return other == null || compareTo(other) > 0;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ChangeVersion)) {
            return false;
        }
        ChangeVersion that = (ChangeVersion) o;
        return version == that.version
                && positionHigh == that.positionHigh
                && positionLow == that.positionLow;
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, positionHigh, positionLow);
    }

    @Override
    public String toString() {
        return version + "@" + positionHigh + "-" + positionLow;
    }
}
