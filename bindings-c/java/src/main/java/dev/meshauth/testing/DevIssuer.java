package dev.meshauth.testing;

import com.sun.jna.Platform;
import dev.meshauth.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The meshauth development issuer ({@code meshauth-issuer}, a small OAuth 2.0 authorization
 * server for tests and demos, never for production) as a subprocess on a free loopback port.
 *
 * <pre>{@code
 * try (DevIssuer dev = DevIssuer.start()) {
 *     String token = dev.mint(Map.of("sub", "alice", "aud", "orders"));
 *     Validator v = new Validator(Map.of("issuer", dev.issuer(), "audience", "orders", "discovery", true));
 * }
 * }</pre>
 *
 * <p>The executable is the environment variable {@code MESHAUTH_ISSUER_BIN} (or the system
 * property {@code meshauth.issuer.bin}) when set, else the one the meshauth jar carries for this
 * platform (resource {@code dev/meshauth/testing/<platform>/meshauth-issuer}, e.g.
 * {@code linux-x86-64}), copied into a temporary file to be executed.
 */
public final class DevIssuer implements AutoCloseable {
    private static final String LISTENING = "meshauth-issuer listening on ";
    // HTTP/1.1: the default client would offer an h2c upgrade.
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final String url;
    private final String issuer;

    private DevIssuer(Process process, String url, String issuer) {
        this.process = process;
        this.url = url;
        this.issuer = issuer;
    }

    /**
     * Start the issuer on a free loopback port; extra arguments follow {@code --port 0}. When the
     * executable has the {@code --dev-endpoints} flag (which {@link #mint} and {@link #rotate} need:
     * {@code /dev/*} is served only with it), it is added unless {@code args} name it already.
     */
    public static DevIssuer start(String... args) throws IOException {
        String bin = issuerBinary().toString();
        List<String> command = new ArrayList<>(List.of(bin, "--port", "0"));
        command.addAll(List.of(args));
        if (!command.contains(DEV_ENDPOINTS) && hasDevEndpointsFlag(bin)) command.add(DEV_ENDPOINTS);
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        try {
            line = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (IOException e) {
                    return null;
                }
            }).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IOException("meshauth-issuer did not start in 30 s", e);
        }
        if (line == null || !line.startsWith(LISTENING)) {
            process.destroyForcibly();
            throw new IOException("meshauth-issuer did not report its address (first line " + line + ")");
        }
        // Keep draining its output so it never blocks on a full pipe.
        Thread drain = new Thread(() -> {
            try {
                out.transferTo(java.io.Writer.nullWriter());
            } catch (IOException ignored) {
                // the process ended
            }
        }, "meshauth-issuer-stdout");
        drain.setDaemon(true);
        drain.start();
        String url = line.substring(LISTENING.length()).replaceAll("/$", "");
        DevIssuer dev = new DevIssuer(process, url, url);
        try {
            Object iss = ((Map<?, ?>) Json.parse(dev.request("GET", "/.well-known/openid-configuration", null)))
                    .get("issuer");
            return new DevIssuer(process, url, iss instanceof String ? (String) iss : url);
        } catch (RuntimeException | IOException e) {
            dev.close();
            throw e;
        }
    }

    private static final String DEV_ENDPOINTS = "--dev-endpoints";

    /** Whether {@code bin --help} lists {@code --dev-endpoints} (issuers before it served /dev/* always). */
    private static boolean hasDevEndpointsFlag(String bin) throws IOException {
        Process help = new ProcessBuilder(bin, "--help").redirectErrorStream(true).start();
        try {
            String text = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            help.waitFor(10, TimeUnit.SECONDS);
            return text.contains(DEV_ENDPOINTS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking meshauth-issuer --help", e);
        } finally {
            help.destroy();
        }
    }

    /** Base URL, e.g. {@code http://127.0.0.1:41234}. */
    public String url() {
        return url;
    }

    /** The {@code iss} of the tokens it issues (from its discovery document). */
    public String issuer() {
        return issuer;
    }

    public String jwksUrl() {
        return url + "/jwks";
    }

    public String tokenUrl() {
        return url + "/token";
    }

    /** A token with these claims signed (RS256) by its current key ({@code POST /dev/mint}). */
    public String mint(Map<String, ?> claims) throws IOException {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("claims", claims);
        request.put("alg", "RS256");
        return mintWith(request);
    }

    /** A whole {@code /dev/mint} request: claims, alg (RS256, ES256, EdDSA), header, ttl_s, tamper. */
    public String mintWith(Map<String, ?> request) throws IOException {
        Object token = ((Map<?, ?>) Json.parse(request("POST", "/dev/mint", Json.write(request)))).get("token");
        if (!(token instanceof String)) throw new IOException("meshauth-issuer minted no token");
        return (String) token;
    }

    /** Rotate its signing keys ({@code POST /dev/rotate}); the published key ids. */
    public List<String> rotate(boolean retire) throws IOException {
        Object kids = ((Map<?, ?>) Json.parse(request("POST", "/dev/rotate", Json.write(Map.of("retire", retire)))))
                .get("kids");
        List<String> out = new ArrayList<>();
        if (kids instanceof List) for (Object k : (List<?>) kids) out.add(String.valueOf(k));
        return out;
    }

    /** Stop the process (idempotent). */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private String request(String method, String path, String json) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json");
        if (json != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> r;
        try {
            r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (r.statusCode() != 200) throw new IOException(method + " " + path + ": HTTP " + r.statusCode() + ": " + r.body());
        return r.body();
    }

    /**
     * The {@code meshauth-issuer} executable: {@code MESHAUTH_ISSUER_BIN} / {@code meshauth.issuer.bin},
     * else the copy bundled in the jar for this platform.
     */
    public static Path issuerBinary() throws IOException {
        String bin = System.getProperty("meshauth.issuer.bin");
        if (bin == null || bin.isEmpty()) bin = System.getenv("MESHAUTH_ISSUER_BIN");
        if (bin != null && !bin.isEmpty()) {
            Path p = Path.of(bin);
            if (!Files.isRegularFile(p)) throw new IOException("MESHAUTH_ISSUER_BIN=" + bin + " does not exist");
            return p;
        }
        String exe = Platform.isWindows() ? "meshauth-issuer.exe" : "meshauth-issuer";
        String resource = "dev/meshauth/testing/" + Platform.RESOURCE_PREFIX + "/" + exe;
        try (InputStream in = DevIssuer.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("no meshauth-issuer bundled for " + Platform.RESOURCE_PREFIX
                        + " (bundled: linux-x86-64); set MESHAUTH_ISSUER_BIN to one built with"
                        + " `cargo build -p meshauth-issuer`");
            }
            Path dir = Files.createTempDirectory("meshauth-issuer");
            Path target = dir.resolve(exe);
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            if (!Platform.isWindows()) Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
            target.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            return target;
        }
    }
}
