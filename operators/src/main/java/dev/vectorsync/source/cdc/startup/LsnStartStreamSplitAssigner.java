package dev.vectorsync.source.cdc.startup;

import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.cdc.connectors.base.config.SourceConfig;
import org.apache.flink.cdc.connectors.base.dialect.DataSourceDialect;
import org.apache.flink.cdc.connectors.base.source.assigner.StreamSplitAssigner;
import org.apache.flink.cdc.connectors.base.source.meta.offset.Offset;
import org.apache.flink.cdc.connectors.base.source.meta.offset.OffsetFactory;
import org.apache.flink.cdc.connectors.base.source.meta.split.StreamSplit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assigns the one stream split of a source without a snapshot, starting at a given offset
 * instead of the server's current one. Called on the enumerator thread.
 *
 * <p>The source config must start at the latest offset: that makes the source stream-only, and
 * the offset it would have started at is the upper bound of a valid starting offset.
 */
final class LsnStartStreamSplitAssigner extends StreamSplitAssigner {

    private static final Logger LOG = LoggerFactory.getLogger(LsnStartStreamSplitAssigner.class);

    private final Offset startingOffset;
    private final StartingOffsetCheck startingOffsetCheck;

    LsnStartStreamSplitAssigner(
            SourceConfig sourceConfig,
            DataSourceDialect dialect,
            OffsetFactory offsetFactory,
            SplitEnumeratorContext<? extends SourceSplit> enumeratorContext,
            Offset startingOffset,
            StartingOffsetCheck startingOffsetCheck) {
        super(sourceConfig, dialect, offsetFactory, enumeratorContext);
        this.startingOffset = startingOffset;
        this.startingOffsetCheck = startingOffsetCheck;
    }

    /**
     * Creates the stream split at the given offset.
     *
     * @throws IllegalStateException when the offset is after the server's current offset, which
     *     a noted LSN cannot be, or when the database can no longer stream from it
     */
    @Override
    public StreamSplit createStreamSplit() {
        StreamSplit latest = super.createStreamSplit();
        Offset current = latest.getStartingOffset();
        if (startingOffset.isAfter(current)) {
            throw new IllegalStateException(
                    "the startup LSN " + startingOffset + " is after the server's current position "
                            + current + "; check source.cdc.startup-lsn, and that the job reads"
                            + " the server on which the LSN was noted");
        }
        startingOffsetCheck.check(startingOffset);

        LOG.info(
                "Starting the change stream at {} without a snapshot; the server's current position"
                        + " is {}",
                startingOffset,
                current);
        return new StreamSplit(
                latest.splitId(),
                startingOffset,
                latest.getEndingOffset(),
                latest.getFinishedSnapshotSplitInfos(),
                latest.getTableSchemas(),
                latest.getTotalFinishedSplitSize(),
                latest.isSuspended(),
                latest.isSnapshotCompleted());
    }

    /** Database-specific check that the server can still stream from the starting offset. */
    @FunctionalInterface
    interface StartingOffsetCheck {

        /** Throws IllegalStateException, saying what to do, when it cannot. */
        void check(Offset startingOffset);
    }
}
