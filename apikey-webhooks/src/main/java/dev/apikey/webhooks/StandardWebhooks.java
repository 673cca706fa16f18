package dev.apikey.webhooks;

import dev.apikey.InvalidConfigurationException;
import dev.apikey.events.KeyEventListener;
import dev.apikey.json.StrictJson;
import dev.apikey.spi.LifecycleEvent;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends key events to one HTTP endpoint as the Standard Webhooks specification says: a JSON body
 * {@code {"type": "apikey.key.revoked", "timestamp": "...", "data": {"keyId", "actor", "successor", "detail"}}} and
 * the headers {@code webhook-id} (the same on every retry of a message), {@code webhook-timestamp} (Unix seconds of
 * the attempt) and {@code webhook-signature} ({@code v1,} and the base64 HMAC-SHA256 of id, timestamp and body under
 * the {@code whsec_} secret). Plug it in with {@code KeyEvents.auditSink(webhooks)}.
 *
 * <p>{@link #onEvent} never blocks: it puts the message in a bounded queue (default {@value #DEFAULT_QUEUE}) and
 * returns; when the queue is full the new message is dropped, counted ({@link #dropped()}) and logged (ids only).
 * One daemon thread sends, retrying a failed attempt (no answer, 408, 429, 5xx) with exponential backoff and jitter
 * up to {@code maxAttempts}; any other 4xx is final. A message never holds a key or a digest, only ids; the secret
 * is never logged. {@link #close()} stops taking messages and sends what is queued, within a bound.
 */
public final class StandardWebhooks implements KeyEventListener, AutoCloseable {
    /** The default queue size. */
    public static final int DEFAULT_QUEUE = 1_000;
    private static final System.Logger LOG = System.getLogger(StandardWebhooks.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Message STOP = new Message(null, null);

    private final URI endpoint;
    private final WebhookSecret secret;
    private final HttpClient client;
    private final Clock clock;
    private final Duration timeout;
    private final int maxAttempts;
    private final Duration firstBackoff;
    private final Duration maxBackoff;
    private final BlockingQueue<Message> queue;
    private final Thread sender;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile boolean closed;

    private record Message(String id, byte[] body) {
    }

    private StandardWebhooks(Builder b) {
        this.endpoint = b.endpoint;
        this.secret = b.secret;
        this.clock = b.clock;
        this.timeout = b.timeout;
        this.maxAttempts = b.maxAttempts;
        this.firstBackoff = b.firstBackoff;
        this.maxBackoff = b.maxBackoff;
        this.queue = new ArrayBlockingQueue<>(b.queue);
        this.client = HttpClient.newBuilder().connectTimeout(b.timeout).followRedirects(HttpClient.Redirect.NEVER).build();
        this.sender = new Thread(this::run, "apikey-webhooks");
        this.sender.setDaemon(true);
        this.sender.start();
    }

    /**
     * A sender to {@code endpoint} (http or https) signing with {@code secret} ({@code whsec_<base64>}).
     *
     * @throws InvalidConfigurationException for another scheme or a malformed secret (never quoting it)
     */
    public static Builder builder(URI endpoint, String secret) {
        return new Builder(endpoint, secret);
    }

    @Override
    public void onEvent(LifecycleEvent event) {
        if (closed) {
            return;
        }
        Message m = new Message("msg_" + randomId(), body(event));
        if (!queue.offer(m)) {
            long n = dropped.incrementAndGet();
            if (Long.bitCount(n) == 1) {    // 1, 2, 4, 8, ...: loud at first, then quieter
                LOG.log(System.Logger.Level.WARNING, "webhook queue full: dropped " + n + " event(s) so far, the last "
                        + event.action().name().toLowerCase(Locale.ROOT) + " of " + event.target());
            }
        }
    }

    /** Messages dropped because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    /** Messages the endpoint accepted (2xx). */
    public long delivered() {
        return delivered.get();
    }

    /** Messages given up on (a final 4xx, or every attempt failed). */
    public long failed() {
        return failed.get();
    }

    /** The event type of an action, e.g. {@code apikey.key.revoked}. */
    static String type(LifecycleEvent.Action action) {
        return "apikey.key." + switch (action) {
            case ISSUE -> "issued";
            case ROTATE -> "rotated";
            case REVOKE -> "revoked";
            case SUSPEND -> "suspended";
            case RESUME -> "resumed";
            case LEAK -> "leaked";
            case UPDATE -> "updated";
            case ANOMALY -> "anomaly";
            case EXPIRING -> "expiring";
            case DENIED -> "denied";
        };
    }

    private static byte[] body(LifecycleEvent e) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("keyId", e.target());
        data.put("actor", e.actor());
        data.put("successor", e.successor());
        data.put("detail", e.detail());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type(e.action()));
        body.put("timestamp", e.time().toString());
        body.put("data", data);
        return StrictJson.write(body).getBytes(StandardCharsets.UTF_8);
    }

    private static String randomId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private void run() {
        while (true) {
            Message m;
            try {
                m = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (m == STOP) {
                return;
            }
            deliver(m);
        }
    }

    private void deliver(Message m) {
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            int status = send(m);
            if (status >= 200 && status < 300) {
                delivered.incrementAndGet();
                return;
            }
            boolean retry = status < 0 || status == 408 || status == 429 || status >= 500;
            if (!retry || attempt == maxAttempts || !pause(attempt)) {
                failed.incrementAndGet();
                LOG.log(System.Logger.Level.WARNING, "webhook " + m.id() + " not delivered after " + attempt
                        + " attempt(s), last status " + (status < 0 ? "no answer" : status));
                return;
            }
        }
    }

    /** One attempt: the status, or -1 for no answer. */
    private int send(Message m) {
        long timestamp = clock.instant().getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(timeout)
                .header("content-type", "application/json")
                .header("webhook-id", m.id())
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", secret.sign(m.id(), timestamp, m.body()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(m.body())).build();
        try {
            return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Waits before attempt {@code attempt + 1}: doubling from the first backoff, capped, with full jitter. */
    private boolean pause(int attempt) {
        long cap = Math.min(maxBackoff.toMillis(), firstBackoff.toMillis() << Math.min(attempt - 1, 30));
        long millis = cap / 2 + ThreadLocalRandom.current().nextLong(cap / 2 + 1);
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Stops taking messages and sends the queued ones, waiting at most {@code wait}; returns whether all went. */
    public boolean close(Duration wait) {
        closed = true;
        while (!queue.offer(STOP)) {
            queue.poll();
            dropped.incrementAndGet();
        }
        try {
            sender.join(Math.max(1, wait.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boolean done = !sender.isAlive();
        if (!done) {
            sender.interrupt();
        }
        return done;
    }

    /** {@link #close(Duration)} waiting at most 10 seconds. */
    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }

    /** Scheme, host and port only: a receiver's URL may carry a token in its path, query or user info. */
    @Override
    public String toString() {
        return "StandardWebhooks[" + endpoint.getScheme() + "://" + endpoint.getHost()
                + (endpoint.getPort() < 0 ? "" : ":" + endpoint.getPort()) + "]";
    }

    /** Builder for {@link StandardWebhooks}. */
    public static final class Builder {
        private final URI endpoint;
        private final WebhookSecret secret;
        private Clock clock = Clock.systemUTC();
        private Duration timeout = Duration.ofSeconds(10);
        private int maxAttempts = 6;
        private Duration firstBackoff = Duration.ofSeconds(1);
        private Duration maxBackoff = Duration.ofMinutes(5);
        private int queue = DEFAULT_QUEUE;

        private Builder(URI endpoint, String secret) {
            Objects.requireNonNull(endpoint, "endpoint");
            String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("https") && !scheme.equals("http")) {
                throw new InvalidConfigurationException("a webhook endpoint must be an http or https URL");
            }
            this.endpoint = endpoint;
            this.secret = WebhookSecret.parse(secret);
        }

        /** The clock of {@code webhook-timestamp} (default the system clock). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How long one attempt may take (default 10 s). */
        public Builder timeout(Duration timeout) {
            this.timeout = positive(timeout, "timeout");
            return this;
        }

        /** Attempts per message, 1 to 20 (default 6). */
        public Builder maxAttempts(int attempts) {
            if (attempts < 1 || attempts > 20) {
                throw new InvalidConfigurationException("maxAttempts must be 1 to 20, got " + attempts);
            }
            this.maxAttempts = attempts;
            return this;
        }

        /** The wait before the second attempt, doubled for each next one up to {@code max} (default 1 s, 5 min). */
        public Builder backoff(Duration first, Duration max) {
            this.firstBackoff = positive(first, "first backoff");
            this.maxBackoff = positive(max, "max backoff");
            return this;
        }

        /** How many messages may wait (default {@value StandardWebhooks#DEFAULT_QUEUE}); more are dropped, never waited for. */
        public Builder queue(int size) {
            if (size < 1 || size > 1_000_000) {
                throw new InvalidConfigurationException("queue must be 1 to 1000000, got " + size);
            }
            this.queue = size;
            return this;
        }

        private static Duration positive(Duration d, String what) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new InvalidConfigurationException(what + " must be positive, got " + d);
            }
            return d;
        }

        /** Starts the sender thread. */
        public StandardWebhooks build() {
            return new StandardWebhooks(this);
        }
    }
}
