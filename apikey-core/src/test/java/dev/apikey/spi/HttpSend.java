package dev.apikey.spi;

import java.io.EOFException;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** The tests' way to send a request with the JDK client (used by the servlet and JAX-RS suites). */
public final class HttpSend {
    private HttpSend() {
    }

    /**
     * Sends {@code request}; sent once more when it went out on a pooled connection that the server had closed
     * while idle (an end of stream before any byte of an answer, so the server never read it). The JDK client
     * retries only idempotent requests then, and a test's POST failed now and then with "HTTP/1.1 header parser
     * received no bytes".
     */
    public static <T> HttpResponse<T> send(HttpClient client, HttpRequest request, HttpResponse.BodyHandler<T> body)
            throws IOException, InterruptedException {
        try {
            return client.send(request, body);
        } catch (IOException e) {
            if (!neverAnswered(e)) {
                throw e;
            }
            return client.send(request, body);
        }
    }

    private static boolean neverAnswered(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof EOFException || (t.getMessage() != null && t.getMessage().contains("received no bytes"))) {
                return true;
            }
        }
        return false;
    }
}
