package dev.vectorsync.event;

/** String keys for {@code keyBy(entity type, id)}; a string key hashes the same in every JVM. */
public final class EntityKeys {

    private EntityKeys() {}

    public static String of(EntityType entityType, long id) {
        return entityType.name() + ":" + id;
    }
}
