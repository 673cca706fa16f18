package dev.apikey.hardening;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal HTTP/1.1 client over {@link Socket}: writes requests byte for byte (control characters, raw
 * non-ASCII, 100 KB headers, which {@link java.net.http.HttpClient} refuses) and keeps the connection alive
 * between requests, reconnecting when the server closes it. One instance per thread.
 */
final class RawHttp implements Closeable {
    private final int port;
    private Socket socket;
    /** How many requests this connection sent a second time (see {@link #send}). */
    int resends;
    private InputStream in;
    private OutputStream out;

    RawHttp(int port) {
        this.port = port;
    }

    /** A response: status, headers by lower-case name, body. */
    record Response(int status, Map<String, List<String>> headers, String body) {
        String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null || v.isEmpty() ? null : String.join(", ", v);
        }
    }

    /** Request bytes: request line, Host, the given header lines (raw bytes each), blank line. */
    static byte[] request(String method, String target, List<byte[]> headerLines) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes((method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n").getBytes(StandardCharsets.ISO_8859_1));
        for (byte[] line : headerLines) {
            b.writeBytes(line);
            b.writeBytes(new byte[] {'\r', '\n'});
        }
        if (method.equals("POST")) {
            b.writeBytes("Content-Length: 0\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        b.writeBytes(new byte[] {'\r', '\n'});
        return b.toByteArray();
    }

    /** A request with a JSON body and printable header name/value pairs. */
    static byte[] json(String method, String target, String json, String... pairs) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes((method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        for (int i = 0; i < pairs.length; i += 2) {
            b.writeBytes((pairs[i] + ": " + pairs[i + 1] + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        b.writeBytes(new byte[] {'\r', '\n'});
        b.writeBytes(body);
        return b.toByteArray();
    }

    /** A header line from a name and a (printable) value. */
    static byte[] line(String name, String value) {
        return (name + ": " + value).getBytes(StandardCharsets.UTF_8);
    }

    /** A request of printable header name/value pairs. */
    static byte[] request(String method, String target, String... pairs) {
        List<byte[]> lines = new ArrayList<>();
        for (int i = 0; i < pairs.length; i += 2) {
            lines.add(line(pairs[i], pairs[i + 1]));
        }
        return request(method, target, lines);
    }

    /** Sends one request on the kept-alive connection (opening one if needed) and reads the answer. */
    Response send(byte[] request) {
        for (int attempt = 0; ; attempt++) {
            boolean fresh = socket == null;
            try {
                if (fresh) {
                    open();
                }
                try {
                    out.write(request);
                    out.flush();
                } catch (SocketException e) {
                    // The server may answer (431) and close before it read everything; the answer is still readable.
                }
                Response r = read();
                String connection = r.header("connection");
                if (connection != null && connection.toLowerCase(Locale.ROOT).contains("close")) {
                    close();
                }
                return r;
            } catch (IOException e) {
                close();
                // A kept-alive connection the server closed while idle: retry once on a fresh one. The server may
                // have handled the first copy before the connection failed, so callers that count what the server
                // did read resends.
                if (fresh || attempt > 0) {
                    throw new UncheckedIOException("no answer from 127.0.0.1:" + port, e);
                }
                resends++;
            }
        }
    }

    /** Sends one request on a connection of its own, closed afterwards. */
    static Response once(int port, byte[] request) {
        try (RawHttp h = new RawHttp(port)) {
            return h.send(request);
        }
    }

    private void open() throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(20_000);
        socket.setTcpNoDelay(true);
        in = new java.io.BufferedInputStream(socket.getInputStream(), 16_384);
        out = socket.getOutputStream();
    }

    private Response read() throws IOException {
        String statusLine = readLine();
        if (statusLine == null) {
            throw new IOException("connection closed before a response");
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String l = readLine(); l != null && !l.isEmpty(); l = readLine()) {
            int colon = l.indexOf(':');
            headers.computeIfAbsent(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(l.substring(colon + 1).trim());
        }
        byte[] body;
        List<String> te = headers.get("transfer-encoding");
        List<String> cl = headers.get("content-length");
        if (te != null && te.get(0).equalsIgnoreCase("chunked")) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            while (true) {
                String size = readLine();
                int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                if (n == 0) {
                    while (true) {
                        String trailer = readLine();
                        if (trailer == null || trailer.isEmpty()) {
                            break;
                        }
                    }
                    break;
                }
                b.writeBytes(in.readNBytes(n));
                readLine();
            }
            body = b.toByteArray();
        } else if (cl != null) {
            body = in.readNBytes(Integer.parseInt(cl.get(0)));
        } else if (status == 204 || status == 304) {
            body = new byte[0];
        } else {
            body = in.readAllBytes();
            headers.put("connection", List.of("close"));
        }
        return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                byte[] bytes = b.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        socket = null;
    }
}
