package dev.vectorsync.milvus;

import dev.vectorsync.embedding.StoredVectors;
import dev.vectorsync.event.EntityType;

import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.response.QueryResp;
import org.apache.flink.annotation.PublicEvolving;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Stored vectors read from the collections the Milvus sink writes, matched by the text hash, model
 * and dimension stored in the same row ({@link BookkeepingFields}).
 *
 * <p>A reader runs one thread that takes all waiting lookups and sends one query per collection
 * ({@code id in [...]}, at most {@link #MAX_IDS_PER_QUERY} ids). Reads use bounded consistency, so
 * a row that the sink wrote a moment ago may be missed. That costs a model call but never yields a
 * wrong vector, because a vector is reused only with the text hash stored in its own row.
 */
@PublicEvolving
public final class MilvusStoredVectors implements StoredVectors {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(MilvusStoredVectors.class);

    static final int MAX_IDS_PER_QUERY = 256;

    private final MilvusConnectionConfig connection;
    private final String postsCollection;
    private final String usersCollection;

    public MilvusStoredVectors(MilvusConnectionConfig connection, String postsCollection, String usersCollection) {
        this.connection = connection;
        this.postsCollection = postsCollection;
        this.usersCollection = usersCollection;
    }

    @Override
    public Reader open() {
        return new MilvusReader(connection.createClient());
    }

    private final class MilvusReader implements Reader {

        private final MilvusClientV2 client;
        private final BlockingQueue<Lookup> queue = new LinkedBlockingQueue<>();
        private final Thread worker;
        private final AtomicLong lookups = new AtomicLong();
        private long lastFailureLog;
        private volatile boolean closed;

        MilvusReader(MilvusClientV2 client) {
            this.client = client;
            this.worker = new Thread(this::run, "milvus-stored-vectors");
            this.worker.setDaemon(true);
            this.worker.start();
        }

        @Override
        public CompletableFuture<float[]> find(
                EntityType type, long id, String textHash, String modelId, int dimension) {
            CompletableFuture<float[]> result = new CompletableFuture<>();
            if (closed || textHash == null) {
                result.complete(null);
                return result;
            }
            queue.add(new Lookup(type, id, textHash, modelId, dimension, result));
            if (closed) {
                // close() may have drained the queue just before the add.
                result.complete(null);
            }
            return result;
        }

        @Override
        public long lookups() {
            return lookups.get();
        }

        private void run() {
            List<Lookup> batch = new ArrayList<>();
            while (!closed) {
                try {
                    batch.add(queue.take());
                } catch (InterruptedException e) {
                    break;
                }
                queue.drainTo(batch, MAX_IDS_PER_QUERY * 2 - 1);
                Map<EntityType, List<Lookup>> byType =
                        batch.stream().collect(Collectors.groupingBy(lookup -> lookup.type));
                byType.forEach(this::resolve);
                batch.clear();
            }
            List<Lookup> rest = new ArrayList<>();
            queue.drainTo(rest);
            rest.forEach(lookup -> lookup.result.complete(null));
        }

        private void resolve(EntityType type, List<Lookup> lookups) {
            for (int from = 0; from < lookups.size(); from += MAX_IDS_PER_QUERY) {
                List<Lookup> chunk = lookups.subList(from, Math.min(lookups.size(), from + MAX_IDS_PER_QUERY));
                Map<Long, Map<String, Object>> rows;
                try {
                    rows = query(type, chunk);
                } catch (RuntimeException e) {
                    logFailure(type, chunk, e);
                    chunk.forEach(lookup -> lookup.result.complete(null));
                    continue;
                }
                this.lookups.addAndGet(chunk.size());
                for (Lookup lookup : chunk) {
                    lookup.result.complete(matchingVector(type, lookup, rows.get(lookup.id)));
                }
            }
        }

        private Map<Long, Map<String, Object>> query(EntityType type, List<Lookup> chunk) {
            String ids = chunk.stream().map(lookup -> Long.toString(lookup.id)).distinct().collect(Collectors.joining(","));
            QueryResp response =
                    client.query(
                            QueryReq.builder()
                                    .collectionName(collection(type))
                                    .filter(idField(type) + " in [" + ids + "]")
                                    .outputFields(
                                            List.of(
                                                    idField(type),
                                                    vectorField(type),
                                                    BookkeepingFields.TEXT_HASH,
                                                    BookkeepingFields.EMBEDDING_MODEL,
                                                    BookkeepingFields.EMBEDDING_DIMENSION))
                                    .consistencyLevel(ConsistencyLevel.BOUNDED)
                                    .build());
            Map<Long, Map<String, Object>> rows = new HashMap<>();
            for (QueryResp.QueryResult result : response.getQueryResults()) {
                Map<String, Object> entity = result.getEntity();
                rows.put(((Number) entity.get(idField(type))).longValue(), entity);
            }
            return rows;
        }

        private float[] matchingVector(EntityType type, Lookup lookup, Map<String, Object> row) {
            if (row == null
                    || !lookup.textHash.equals(row.get(BookkeepingFields.TEXT_HASH))
                    || !lookup.modelId.equals(row.get(BookkeepingFields.EMBEDDING_MODEL))
                    || !(row.get(BookkeepingFields.EMBEDDING_DIMENSION) instanceof Number)
                    || ((Number) row.get(BookkeepingFields.EMBEDDING_DIMENSION)).intValue() != lookup.dimension) {
                return null;
            }
            Object stored = row.get(vectorField(type));
            if (!(stored instanceof List) || ((List<?>) stored).size() != lookup.dimension) {
                return null;
            }
            List<?> values = (List<?>) stored;
            float[] vector = new float[values.size()];
            for (int i = 0; i < vector.length; i++) {
                vector[i] = ((Number) values.get(i)).floatValue();
            }
            return vector;
        }

        /** Logs at most one line per 10 s, as a warning, because the lookups fall back to the model. */
        private void logFailure(EntityType type, List<Lookup> chunk, RuntimeException e) {
            long now = System.currentTimeMillis();
            if (now - lastFailureLog < 10_000) {
                return;
            }
            lastFailureLog = now;
            LOG.warn(
                    "Failed to read {} stored vectors (ids {}..{}) from Milvus collection {}, so the"
                            + " model embeds those rows again: {}",
                    chunk.size(),
                    chunk.get(0).id,
                    chunk.get(chunk.size() - 1).id,
                    collection(type),
                    e.toString());
        }

        @Override
        public void close() {
            closed = true;
            worker.interrupt();
            try {
                worker.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            List<Lookup> rest = new ArrayList<>();
            queue.drainTo(rest);
            rest.forEach(lookup -> lookup.result.complete(null));
            client.close();
        }
    }

    private String collection(EntityType type) {
        return type == EntityType.POST ? postsCollection : usersCollection;
    }

    private static String idField(EntityType type) {
        return type == EntityType.POST ? PostFields.ID : UserFields.ID;
    }

    private static String vectorField(EntityType type) {
        return type == EntityType.POST ? PostFields.DENSE_VECTOR : UserFields.USER_EMBEDDING;
    }

    private static final class Lookup {
        final EntityType type;
        final long id;
        final String textHash;
        final String modelId;
        final int dimension;
        final CompletableFuture<float[]> result;

        Lookup(EntityType type, long id, String textHash, String modelId, int dimension, CompletableFuture<float[]> result) {
            this.type = type;
            this.id = id;
            this.textHash = textHash;
            this.modelId = modelId;
            this.dimension = dimension;
            this.result = result;
        }
    }
}
