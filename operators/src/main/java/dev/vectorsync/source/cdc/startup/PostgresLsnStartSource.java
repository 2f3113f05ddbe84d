package dev.vectorsync.source.cdc.startup;

import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.cdc.connectors.base.options.StartupMode;
import org.apache.flink.cdc.connectors.base.source.meta.offset.Offset;
import org.apache.flink.cdc.connectors.base.source.meta.split.SourceSplitBase;
import org.apache.flink.cdc.connectors.postgres.source.PostgresDialect;
import org.apache.flink.cdc.connectors.postgres.source.PostgresSourceBuilder.PostgresIncrementalSource;
import org.apache.flink.cdc.connectors.postgres.source.config.PostgresSourceConfig;
import org.apache.flink.cdc.connectors.postgres.source.config.PostgresSourceConfigFactory;
import org.apache.flink.cdc.connectors.postgres.source.enumerator.PostgresSourceEnumerator;
import org.apache.flink.cdc.connectors.postgres.source.offset.PostgresOffset;
import org.apache.flink.cdc.connectors.postgres.source.offset.PostgresOffsetFactory;
import org.apache.flink.cdc.debezium.DebeziumDeserializationSchema;
import org.apache.flink.util.Preconditions;

import io.debezium.connector.postgresql.connection.Lsn;
import io.debezium.connector.postgresql.connection.PostgresConnection;
import io.debezium.connector.postgresql.spi.SlotState;

import java.sql.SQLException;

/**
 * Postgres CDC source (Flink CDC 3.5.0) that, when started without a checkpoint, streams from a
 * given LSN with no snapshot. A restored job resumes at the offset in its checkpoint, as the plain
 * source does.
 *
 * <p>Flink CDC's own way, {@code StartupOptions.specificOffset}, does not work here: {@code
 * JdbcSourceConfigFactory#startupOptions} rejects it and {@code
 * PostgresOffsetFactory#newOffset(String, Long)} throws. This source is configured with the latest
 * offset instead and replaces only the starting offset of the stream split.
 *
 * <p>The server streams from the given LSN only while the replication slot still has it: a slot
 * keeps WAL from its confirmed position on, and starts no earlier than that position. The
 * enumerator checks this before it assigns the stream split.
 */
public final class PostgresLsnStartSource<T> extends PostgresIncrementalSource<T> {

    private static final long serialVersionUID = 1L;

    private final Offset startingOffset;

    /**
     * Creates the source.
     *
     * @param configFactory configured with {@code StartupOptions.latest()}
     * @param startingOffset from {@link StartupLsn#postgres(String)}
     */
    public PostgresLsnStartSource(
            PostgresSourceConfigFactory configFactory,
            DebeziumDeserializationSchema<T> deserializer,
            Offset startingOffset) {
        super(
                configFactory,
                deserializer,
                new PostgresOffsetFactory(),
                new PostgresDialect(configFactory.create(0)));
        Preconditions.checkArgument(
                configFactory.create(0).getStartupOptions().startupMode
                        == StartupMode.LATEST_OFFSET,
                "configFactory must start at the latest offset, which this source replaces");
        this.startingOffset = Preconditions.checkNotNull(startingOffset, "startingOffset");
    }

    @Override
    public PostgresSourceEnumerator createEnumerator(
            SplitEnumeratorContext<SourceSplitBase> enumContext) {
        PostgresSourceConfig sourceConfig = (PostgresSourceConfig) configFactory.create(0);
        LsnStartStreamSplitAssigner assigner =
                new LsnStartStreamSplitAssigner(
                        sourceConfig,
                        dataSourceDialect,
                        offsetFactory,
                        enumContext,
                        startingOffset,
                        offset -> checkSlotKeeps((PostgresDialect) dataSourceDialect, offset));
        return new PostgresSourceEnumerator(
                enumContext,
                sourceConfig,
                assigner,
                (PostgresDialect) dataSourceDialect,
                getBoundedness());
    }

    /**
     * Checks that the replication slot has not confirmed a position after the starting offset.
     * The enumerator creates a missing slot at the current position before it assigns the stream
     * split, so this also rejects a slot that did not exist before the LSN was noted.
     */
    private static void checkSlotKeeps(PostgresDialect dialect, Offset startingOffset) {
        Lsn start = ((PostgresOffset) startingOffset).getLsn();
        SlotState slot;
        try (PostgresConnection connection = dialect.openJdbcConnection()) {
            slot = connection.getReplicationSlotState(dialect.getSlotName(), dialect.getPluginName());
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "failed to read the state of replication slot " + dialect.getSlotName()
                            + " to check the startup LSN " + start.asString(), e);
        }

        if (slot == null || slot.slotLastFlushedLsn() == null) {
            throw new IllegalStateException(
                    "replication slot " + dialect.getSlotName() + " was not found; create it (pgoutput)"
                            + " before noting the startup LSN " + start.asString());
        }
        if (slot.slotLastFlushedLsn().compareTo(start) > 0) {
            throw new IllegalStateException(
                    "replication slot " + dialect.getSlotName() + " has confirmed position "
                            + slot.slotLastFlushedLsn().asString() + ", after the startup LSN "
                            + start.asString() + ", so Postgres no longer streams the changes in"
                            + " between from it. Create the slot before noting the LSN, or start"
                            + " from its confirmed position with startup mode COMMITTED_OFFSET");
        }
    }

    /** Returns the offset at which a job without a checkpoint starts. */
    public Offset startingOffset() {
        return startingOffset;
    }
}
