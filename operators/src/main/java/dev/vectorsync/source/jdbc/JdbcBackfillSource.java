package dev.vectorsync.source.jdbc;

import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.core.datastream.source.JdbcSource;
import org.apache.flink.connector.jdbc.core.datastream.source.enumerator.JdbcSourceEnumeratorState;
import org.apache.flink.connector.jdbc.core.datastream.source.reader.JdbcSourceReader;
import org.apache.flink.connector.jdbc.core.datastream.source.reader.JdbcSourceSplitReader;
import org.apache.flink.connector.jdbc.core.datastream.source.reader.extractor.ResultExtractor;
import org.apache.flink.connector.jdbc.core.datastream.source.split.JdbcSourceSplit;
import org.apache.flink.connector.jdbc.datasource.connections.SimpleJdbcConnectionProvider;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Bounded JDBC source of the backfill: the {@link JdbcSource} of flink-connector-jdbc 3.3.0, whose
 * split enumerator, splits and serializers it uses unchanged, with a reader in which every split
 * reader opens and closes its own connection.
 *
 * <p>Why: in Flink 1.20 a source reader shuts down its split fetcher when the fetcher has finished
 * its splits and none is queued ({@code SplitFetcherManager#maybeShutdownFinishedFetchers}), and it
 * creates a new fetcher with a new split reader for the next split. The old fetcher closes its
 * split reader later, on its own thread ({@code SplitFetcher#run}). {@link JdbcSource} gives all
 * split readers of a subtask one connection provider, which returns its cached connection while
 * that is open. So the new split reader can run its query on the old one's connection just when
 * the late close closes it. In this project's backfill tests the query then failed with "Socket
 * closed" (PostgreSQL) or "Database is already closed" (H2). With a provider per split reader no
 * connection is shared. The cost is one connection per split fetcher, opened when the fetcher
 * reads its first split.
 *
 * <p>{@code JdbcSourceBuilder#setConnectionProvider} cannot fix this: in 3.3.0 {@code build()}
 * replaces any provider that was set with a new shared {@link SimpleJdbcConnectionProvider}.
 */
public final class JdbcBackfillSource<T>
        implements Source<T, JdbcSourceSplit, JdbcSourceEnumeratorState>, ResultTypeQueryable<T> {

    private static final long serialVersionUID = 1L;

    private final JdbcSource<T> delegate;
    private final JdbcConnectionOptions connectionOptions;
    private final ResultExtractor<T> resultExtractor;

    /**
     * Creates the source.
     *
     * @param delegate built without a delivery guarantee (the builder's default), which is the
     *     guarantee this source's split readers use
     * @param connectionOptions URL, driver and credentials for the connection of each split reader
     * @param resultExtractor the extractor that {@code delegate} was built with
     */
    JdbcBackfillSource(
            JdbcSource<T> delegate,
            JdbcConnectionOptions connectionOptions,
            ResultExtractor<T> resultExtractor) {
        this.delegate = delegate;
        this.connectionOptions = connectionOptions;
        this.resultExtractor = resultExtractor;
    }

    @Override
    public Boundedness getBoundedness() {
        return delegate.getBoundedness();
    }

    @Override
    public SourceReader<T, JdbcSourceSplit> createReader(SourceReaderContext readerContext) {
        return new JdbcSourceReader<>(
                () -> createSplitReader(readerContext), readerConfiguration(), readerContext);
    }

    /** Creates a split reader with a connection provider of its own; called per split fetcher. */
    @VisibleForTesting
    JdbcSourceSplitReader<T> createSplitReader(SourceReaderContext readerContext) {
        return new JdbcSourceSplitReader<>(
                readerContext,
                readerConfiguration(),
                getProducedType(),
                new SimpleJdbcConnectionProvider(connectionOptions),
                DeliveryGuarantee.NONE,
                resultExtractor);
    }

    @Override
    public SplitEnumerator<JdbcSourceSplit, JdbcSourceEnumeratorState> createEnumerator(
            SplitEnumeratorContext<JdbcSourceSplit> enumContext) throws Exception {
        return delegate.createEnumerator(enumContext);
    }

    @Override
    public SplitEnumerator<JdbcSourceSplit, JdbcSourceEnumeratorState> restoreEnumerator(
            SplitEnumeratorContext<JdbcSourceSplit> enumContext,
            JdbcSourceEnumeratorState checkpoint)
            throws Exception {
        return delegate.restoreEnumerator(enumContext, checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<JdbcSourceSplit> getSplitSerializer() {
        return delegate.getSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<JdbcSourceEnumeratorState>
            getEnumeratorCheckpointSerializer() {
        return delegate.getEnumeratorCheckpointSerializer();
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return delegate.getProducedType();
    }

    /**
     * Returns the reader settings (fetch sizes, result set type, auto-commit) that the builder
     * derived; {@link JdbcSource} exposes them only through this accessor, marked for testing.
     */
    private Configuration readerConfiguration() {
        return delegate.getConfiguration();
    }
}
