package dev.vectorsync.milvus;

import io.milvus.common.clientenum.FunctionType;
import io.milvus.v2.common.DataType;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq.CollectionSchema;
import io.milvus.v2.service.collection.request.CreateCollectionReq.FieldSchema;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Lists the differences between the schema vector-sync writes and the schema of an existing
 * collection that would make writes fail or searches wrong.
 *
 * <p>Differences that cannot break writes are accepted: a VARCHAR longer than expected, a nullable
 * field where a required one is expected, and extra nullable fields. Analyzer parameters are not
 * compared, only whether an analyzer is enabled.
 */
final class SchemaComparator {

    private SchemaComparator() {}

    /** Returns one readable line per difference; an empty list means the schemas fit. */
    static List<String> compare(CollectionSchema expected, CollectionSchema found) {
        List<String> differences = new ArrayList<>();
        Set<String> expectedNames = new HashSet<>();

        for (FieldSchema expectedField : expected.getFieldSchemaList()) {
            expectedNames.add(expectedField.getName());
            FieldSchema foundField = found.getField(expectedField.getName());
            if (foundField == null) {
                differences.add(
                        "field '"
                                + expectedField.getName()
                                + "' is missing (expected "
                                + describe(expectedField)
                                + ")");
                continue;
            }
            compareField(expectedField, foundField, differences);
        }

        for (FieldSchema foundField : found.getFieldSchemaList()) {
            if (!expectedNames.contains(foundField.getName()) && !isTrue(foundField.getIsNullable())) {
                differences.add(
                        "field '"
                                + foundField.getName()
                                + "' ("
                                + describe(foundField)
                                + ") is not written by vector-sync and is not nullable,"
                                + " so every upsert would be rejected");
            }
        }

        for (CreateCollectionReq.Function function : expected.getFunctionList()) {
            if (!hasFunction(found, function)) {
                differences.add(
                        "BM25 function from '"
                                + function.getInputFieldNames().get(0)
                                + "' to '"
                                + function.getOutputFieldNames().get(0)
                                + "' is missing");
            }
        }
        return differences;
    }

    private static void compareField(
            FieldSchema expected, FieldSchema found, List<String> differences) {
        String name = expected.getName();
        if (expected.getDataType() != found.getDataType()) {
            differences.add(
                    "field '"
                            + name
                            + "': expected type "
                            + expected.getDataType()
                            + ", found "
                            + found.getDataType());
            return;
        }
        if (expected.getDimension() != null
                && !expected.getDimension().equals(found.getDimension())) {
            differences.add(
                    "field '"
                            + name
                            + "': expected dimension "
                            + expected.getDimension()
                            + ", found "
                            + found.getDimension());
        }
        if (expected.getDataType() == DataType.VarChar
                && found.getMaxLength() != null
                && found.getMaxLength() < expected.getMaxLength()) {
            differences.add(
                    "field '"
                            + name
                            + "': expected max_length of at least "
                            + expected.getMaxLength()
                            + " bytes, found "
                            + found.getMaxLength());
        }
        if (isTrue(expected.getIsPrimaryKey()) != isTrue(found.getIsPrimaryKey())) {
            differences.add(
                    "field '"
                            + name
                            + "': expected primary key "
                            + isTrue(expected.getIsPrimaryKey())
                            + ", found "
                            + isTrue(found.getIsPrimaryKey()));
        }
        if (isTrue(expected.getIsPrimaryKey()) && isTrue(found.getAutoID())) {
            differences.add(
                    "field '" + name + "': expected auto_id false, found true (ids come from the"
                            + " source database)");
        }
        if (isTrue(expected.getIsNullable()) && !isTrue(found.getIsNullable())) {
            differences.add(
                    "field '" + name + "': expected nullable, found not nullable");
        }
        if (isTrue(expected.getEnableAnalyzer()) && !isTrue(found.getEnableAnalyzer())) {
            differences.add(
                    "field '" + name + "': expected an enabled analyzer (BM25 input), found none");
        }
    }

    private static boolean hasFunction(CollectionSchema found, CreateCollectionReq.Function expected) {
        List<CreateCollectionReq.Function> functions = found.getFunctionList();
        if (functions == null) {
            return false;
        }
        for (CreateCollectionReq.Function function : functions) {
            if (function.getFunctionType() == FunctionType.BM25
                    && expected.getInputFieldNames().equals(function.getInputFieldNames())
                    && expected.getOutputFieldNames().equals(function.getOutputFieldNames())) {
                return true;
            }
        }
        return false;
    }

    private static String describe(FieldSchema field) {
        StringBuilder text = new StringBuilder(String.valueOf(field.getDataType()));
        if (field.getDimension() != null) {
            text.append(", dimension ").append(field.getDimension());
        }
        if (field.getDataType() == DataType.VarChar && field.getMaxLength() != null) {
            text.append(", max_length ").append(field.getMaxLength());
        }
        if (isTrue(field.getIsNullable())) {
            text.append(", nullable");
        }
        return text.toString();
    }

    private static boolean isTrue(Boolean value) {
        return Boolean.TRUE.equals(value);
    }
}
