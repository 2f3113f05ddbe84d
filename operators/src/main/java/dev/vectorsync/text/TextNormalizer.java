package dev.vectorsync.text;

import org.jsoup.Jsoup;
import org.jsoup.parser.Parser;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.regex.Pattern;

/**
 * Normalises free text before it is embedded or stored: Unicode NFC, HTML tags and character
 * references removed, whitespace collapsed to single spaces, and the result cut to a UTF-8 byte
 * limit on a code point boundary.
 *
 * <p>Thread-safe and stateless.
 */
public final class TextNormalizer {

    /** A '<' followed by a letter, '/' or '!' starts something that may be a tag or comment. */
    private static final Pattern MAY_CONTAIN_TAG = Pattern.compile("<[a-zA-Z/!]");

    /** Any run of whitespace, including no-break and other Unicode spaces. */
    private static final Pattern WHITESPACE = Pattern.compile("[\\s\\p{Z}\\u200B\\uFEFF]+");

    /** Control characters other than whitespace, which neither Milvus nor the model needs. */
    private static final Pattern CONTROL = Pattern.compile("[\\p{Cc}&&[^\\s]]");

    private TextNormalizer() {}

    /**
     * Normalises {@code raw} and cuts it to at most {@code maxBytes} UTF-8 bytes.
     *
     * @return the normalised text, or null when {@code raw} is null
     */
    public static String normalize(String raw, int maxBytes) {
        if (raw == null) {
            return null;
        }
        String text = stripHtml(raw);
        text = Normalizer.normalize(text, Normalizer.Form.NFC);
        text = CONTROL.matcher(text).replaceAll("");
        text = WHITESPACE.matcher(text).replaceAll(" ").trim();
        return truncateUtf8(text, maxBytes);
    }

    /** Removes HTML tags and decodes character references such as {@code &amp;} and {@code &#7841;}. */
    static String stripHtml(String raw) {
        if (MAY_CONTAIN_TAG.matcher(raw).find()) {
            // Block elements and <br> separate words, so turn them into spaces before text().
            String spaced = raw.replaceAll("(?i)<(br|/p|/div|/li|/tr|/h[1-6])\\b[^>]*>", " $0");
            return Jsoup.parse(spaced).text();
        }
        if (raw.indexOf('&') >= 0) {
            return Parser.unescapeEntities(raw, false);
        }
        return raw;
    }

    /**
     * Cuts {@code text} to at most {@code maxBytes} bytes of UTF-8 without splitting a code point.
     * A combining mark left at the cut stays with the letters before it; NFC text keeps Vietnamese
     * letters precomposed, so the cut never separates a letter from its tone mark.
     */
    public static String truncateUtf8(String text, int maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must be >= 0, was " + maxBytes);
        }
        if (text.length() * 3L <= maxBytes) {
            return text;
        }
        int bytes = 0;
        int index = 0;
        while (index < text.length()) {
            int codePoint = text.codePointAt(index);
            int width = utf8Width(codePoint);
            if (bytes + width > maxBytes) {
                return text.substring(0, index);
            }
            bytes += width;
            index += Character.charCount(codePoint);
        }
        return text;
    }

    /** UTF-8 length of {@code text} in bytes. */
    public static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    private static int utf8Width(int codePoint) {
        if (codePoint < 0x80) {
            return 1;
        }
        if (codePoint < 0x800) {
            return 2;
        }
        if (codePoint < 0x10000) {
            return 3;
        }
        return 4;
    }
}
