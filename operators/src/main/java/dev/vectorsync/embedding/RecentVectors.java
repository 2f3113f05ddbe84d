package dev.vectorsync.embedding;

import org.apache.flink.annotation.Internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last vector embedded per row, with the hash of its text, for the rows one embedding subtask
 * wrote most recently: a bounded, least-recently-used map that lives in memory only. After a restart
 * or a rescale it starts empty and the stored vectors in Milvus take over ({@link StoredVectors}).
 *
 * <p>Thread-safe: the task thread reads it, the batcher's thread fills it.
 */
@Internal
final class RecentVectors {

    private final Map<String, Entry> entries;

    /** @param capacity rows kept, 0 for none */
    RecentVectors(int capacity) {
        this.entries =
                new LinkedHashMap<>(16, 0.75f, true) {
                    private static final long serialVersionUID = 1L;

                    @Override
                    protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                        return size() > capacity;
                    }
                };
    }

    /** Returns a copy of the vector of {@code key} when its text hash is {@code textHash}, else null. */
    synchronized float[] get(String key, String textHash) {
        Entry entry = entries.get(key);
        return entry != null && entry.textHash.equals(textHash) ? entry.vector.clone() : null;
    }

    /** Remembers a copy of {@code vector} as the one of {@code key} and {@code textHash}. */
    synchronized void put(String key, String textHash, float[] vector) {
        if (textHash != null) {
            entries.put(key, new Entry(textHash, vector.clone()));
        }
    }

    synchronized int size() {
        return entries.size();
    }

    private static final class Entry {
        final String textHash;
        final float[] vector;

        Entry(String textHash, float[] vector) {
            this.textHash = textHash;
            this.vector = vector;
        }
    }
}
