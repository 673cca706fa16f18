package dev.apikey.jaxrs;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** Assertions on problem+json rejections. */
public final class Problems {
    private Problems() {
    }

    /**
     * Checks status, content type, {@code Cache-Control: no-store} and the body's members, and that the body holds
     * none of {@code secrets}. Returns the body.
     */
    public static JsonNode assertProblem(HttpResponse<String> response, int status, String slug, String... secrets) {
        assertThat(response.statusCode()).as("status of %s", response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode body = JerseyServer.json(response);
        assertThat(body.path("type").asText()).isEqualTo("https://apikey.dev/problems/" + slug);
        assertThat(body.path("status").asInt()).isEqualTo(status);
        assertThat(body.path("title").asText()).isNotBlank();
        assertThat(body.path("detail").asText()).isNotBlank();
        for (String secret : secrets) {
            assertThat(response.body()).doesNotContain(secret);
        }
        return body;
    }
}
