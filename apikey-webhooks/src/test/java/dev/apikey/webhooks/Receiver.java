package dev.apikey.webhooks;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * A webhook receiver on a real Jetty on 127.0.0.1, checking each delivery as a receiver should, with its own code:
 * the three headers present, the timestamp within five minutes, and one {@code v1} signature equal (in constant
 * time) to the HMAC-SHA256 it computes from the decoded {@code whsec_} secret. It answers with the scripted statuses,
 * then 200; {@link #hold()} makes it keep every request open until {@link #release()}.
 */
final class Receiver implements AutoCloseable {
    record Delivery(String id, String timestamp, String signature, String body, boolean verified) {
    }

    final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private final Deque<Integer> script = new ArrayDeque<>();
    private final byte[] key;
    private final Server server = new Server();
    private volatile CountDownLatch held;
    final CountDownLatch firstArrived = new CountDownLatch(1);

    Receiver(String secret) throws Exception {
        key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                String body = org.eclipse.jetty.io.Content.Source.asString(request, StandardCharsets.UTF_8);
                String id = request.getHeaders().get("webhook-id");
                String ts = request.getHeaders().get("webhook-timestamp");
                String sig = request.getHeaders().get("webhook-signature");
                deliveries.add(new Delivery(id, ts, sig, body, verify(id, ts, sig, body)));
                firstArrived.countDown();
                CountDownLatch h = held;
                if (h != null) {
                    h.await();
                }
                Integer status;
                synchronized (script) {
                    status = script.poll();
                }
                response.setStatus(status == null ? 200 : status);
                callback.succeeded();
                return true;
            }
        });
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort() + "/hooks");
    }

    /** The next answers, in order; after them, 200. */
    void answer(Integer... statuses) {
        synchronized (script) {
            script.addAll(List.of(statuses));
        }
    }

    void hold() {
        held = new CountDownLatch(1);
    }

    void release() {
        held.countDown();
    }

    private boolean verify(String id, String ts, String sig, String body) {
        if (id == null || ts == null || sig == null) {
            return false;
        }
        long seconds = Long.parseLong(ts);
        if (Math.abs(Instant.now().getEpochSecond() - seconds) > 300) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] expected = mac.doFinal((id + "." + ts + "." + body).getBytes(StandardCharsets.UTF_8));
            for (String candidate : sig.split(" ")) {
                if (candidate.startsWith("v1,")
                        && MessageDigest.isEqual(expected, Base64.getDecoder().decode(candidate.substring(3)))) {
                    return true;
                }
            }
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() throws Exception {
        if (held != null) {
            held.countDown();
        }
        server.stop();
    }
}
