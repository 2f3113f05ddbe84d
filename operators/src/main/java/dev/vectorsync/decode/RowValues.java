package dev.vectorsync.decode;

import java.math.BigDecimal;

/**
 * Typed, validated access to the fields of one source row, whatever the source: a JSON {@code
 * data} object or the columns of a database row. {@link RowRecordMapper} reads post and user rows
 * through it, so every source applies the same field rules.
 *
 * <p>Fields are named by their logical name ({@code title}, {@code price}, {@code userId}, ...);
 * an implementation maps that name to its JSON key or column. Each read returns null when the
 * row has no value and throws {@link InvalidEventException}, with {@link #path} in the message,
 * when the value has the wrong type.
 */
public interface RowValues {

    /** Name of {@code field} in messages, for example {@code data.price} or {@code dbo.posts.price}. */
    String path(String field);

    /** Name of the whole row in messages, for example {@code data}. */
    String rowName();

    /** Reads a text field. */
    String string(String field) throws InvalidEventException;

    /** Reads a numeric field exactly. */
    BigDecimal decimal(String field) throws InvalidEventException;

    /** Reads a point in time as epoch milliseconds (UTC). */
    Long epochMillis(String field) throws InvalidEventException;
}
