package dev.vectorsync.event;

import java.util.Locale;

/** Operation named in a change event. Insert, update and upsert all carry the whole row. */
public enum ChangeOperation {
    INSERT,
    UPDATE,
    UPSERT,
    DELETE;

    /**
     * Parses the lower-case wire name used by the backend ("insert", "update", "upsert", "delete").
     *
     * @throws IllegalArgumentException when the name is none of them
     */
    public static ChangeOperation fromWireName(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "insert":
                return INSERT;
            case "update":
                return UPDATE;
            case "upsert":
                return UPSERT;
            case "delete":
                return DELETE;
            default:
                throw new IllegalArgumentException(
                        "unknown operation '" + name + "', expected insert, update, upsert or delete");
        }
    }

    public boolean isDelete() {
        return this == DELETE;
    }
}
