package dev.vectorsync.decode;

/**
 * Thrown when a source entry cannot become a change event. The message is the dead-letter reason:
 * it names the field, the value found and what the contract expects.
 */
public class InvalidEventException extends Exception {

    private static final long serialVersionUID = 1L;

    public InvalidEventException(String message) {
        super(message);
    }

    public InvalidEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
