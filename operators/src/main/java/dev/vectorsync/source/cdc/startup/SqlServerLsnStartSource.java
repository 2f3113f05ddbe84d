package dev.vectorsync.source.cdc.startup;

import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.cdc.connectors.base.options.StartupMode;
import org.apache.flink.cdc.connectors.base.source.assigner.state.PendingSplitsState;
import org.apache.flink.cdc.connectors.base.source.enumerator.IncrementalSourceEnumerator;
import org.apache.flink.cdc.connectors.base.source.meta.offset.Offset;
import org.apache.flink.cdc.connectors.base.source.meta.split.SourceSplitBase;
import org.apache.flink.cdc.connectors.sqlserver.source.SqlServerSourceBuilder.SqlServerIncrementalSource;
import org.apache.flink.cdc.connectors.sqlserver.source.config.SqlServerSourceConfig;
import org.apache.flink.cdc.connectors.sqlserver.source.config.SqlServerSourceConfigFactory;
import org.apache.flink.cdc.connectors.sqlserver.source.dialect.SqlServerDialect;
import org.apache.flink.cdc.connectors.sqlserver.source.offset.LsnFactory;
import org.apache.flink.cdc.debezium.DebeziumDeserializationSchema;
import org.apache.flink.util.Preconditions;

/**
 * SQL Server CDC source (Flink CDC 3.5.0) that, when started without a checkpoint, streams the
 * change tables from a given LSN with no snapshot. A restored job resumes at the offset in its
 * checkpoint, as the plain source does.
 *
 * <p>Flink CDC's own way, {@code StartupOptions.specificOffset}, does not work for SQL Server:
 * {@code JdbcSourceConfigFactory#startupOptions} rejects it, {@code
 * SqlServerSourceConfigFactory#create} throws UnsupportedOperationException for any mode but
 * initial and latest, and {@code LsnFactory#newOffset(String, Long)} throws as well. This source
 * is configured with the latest offset instead and replaces only the starting offset of the
 * stream split.
 *
 * <p>The LSN must still be in the change tables: the CDC cleanup job removes older changes (after
 * three days by default), and this source does not check that.
 *
 * <p>NOTE: built and unit-tested here, but never run against a SQL Server; the Postgres source
 * of the same design is tested end to end.
 */
public final class SqlServerLsnStartSource<T> extends SqlServerIncrementalSource<T> {

    private static final long serialVersionUID = 1L;

    private final Offset startingOffset;

    /**
     * Creates the source.
     *
     * @param configFactory configured with {@code StartupOptions.latest()}
     * @param startingOffset from {@link StartupLsn#sqlServer(String)}
     */
    public SqlServerLsnStartSource(
            SqlServerSourceConfigFactory configFactory,
            DebeziumDeserializationSchema<T> deserializer,
            Offset startingOffset) {
        super(
                configFactory,
                deserializer,
                new LsnFactory(),
                new SqlServerDialect(configFactory.create(0)));
        Preconditions.checkArgument(
                configFactory.create(0).getStartupOptions().startupMode
                        == StartupMode.LATEST_OFFSET,
                "configFactory must start at the latest offset, which this source replaces");
        this.startingOffset = Preconditions.checkNotNull(startingOffset, "startingOffset");
    }

    @Override
    public SplitEnumerator<SourceSplitBase, PendingSplitsState> createEnumerator(
            SplitEnumeratorContext<SourceSplitBase> enumContext) {
        SqlServerSourceConfig sourceConfig = (SqlServerSourceConfig) configFactory.create(0);
        LsnStartStreamSplitAssigner assigner =
                new LsnStartStreamSplitAssigner(
                        sourceConfig,
                        dataSourceDialect,
                        offsetFactory,
                        enumContext,
                        startingOffset,
                        offset -> {});
        return new IncrementalSourceEnumerator(enumContext, sourceConfig, assigner, getBoundedness());
    }

    /** Returns the offset at which a job without a checkpoint starts. */
    public Offset startingOffset() {
        return startingOffset;
    }
}
