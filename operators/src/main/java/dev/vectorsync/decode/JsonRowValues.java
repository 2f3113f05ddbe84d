package dev.vectorsync.decode;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;

/** The {@code data} object of a job payload as {@link RowValues}; field names are JSON keys. */
final class JsonRowValues implements RowValues {

    private static final String ROW = "data";

    private final JsonNode data;

    JsonRowValues(JsonNode data) {
        this.data = data;
    }

    @Override
    public String path(String field) {
        return ROW + "." + field;
    }

    @Override
    public String rowName() {
        return ROW;
    }

    @Override
    public String string(String field) throws InvalidEventException {
        return JsonFields.optionalString(data, field, path(field));
    }

    @Override
    public BigDecimal decimal(String field) throws InvalidEventException {
        return JsonFields.optionalDecimal(data, field, path(field));
    }

    @Override
    public Long epochMillis(String field) throws InvalidEventException {
        return JsonFields.optionalEpochMillis(data, field, path(field));
    }
}
