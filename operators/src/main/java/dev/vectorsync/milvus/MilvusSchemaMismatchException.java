package dev.vectorsync.milvus;

import java.util.List;

/**
 * Thrown at job start when an existing collection differs from the schema vector-sync writes, so
 * that the job stops before any write is rejected or lands in the wrong shape.
 */
public class MilvusSchemaMismatchException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final String collectionName;
    private final List<String> differences;

    public MilvusSchemaMismatchException(String collectionName, List<String> differences) {
        super(buildMessage(collectionName, differences));
        this.collectionName = collectionName;
        this.differences = List.copyOf(differences);
    }

    public String getCollectionName() {
        return collectionName;
    }

    /** One line per difference, each naming the field and the expected and found values. */
    public List<String> getDifferences() {
        return differences;
    }

    private static String buildMessage(String collectionName, List<String> differences) {
        return "Milvus collection '"
                + collectionName
                + "' does not match the schema vector-sync writes:\n  - "
                + String.join("\n  - ", differences)
                + "\nvector-sync never drops or alters an existing collection. Configure another"
                + " collection name, or migrate this collection to the expected schema.";
    }
}
