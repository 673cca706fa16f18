package dev.apikey;

/**
 * One response header that a {@link Decision} asks the adapter to write.
 *
 * @param name  header name
 * @param value header value (already safe: no CR, LF or other control characters)
 */
public record HttpHeader(String name, String value) {
}
