package dev.meshauth.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.meshauth.TokenClient;
import dev.meshauth.TokenRequest;
import dev.meshauth.testing.DevIssuer;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.DefaultResourceLoader;

/**
 * README.md's quick start unchanged: its application.yml and its application class, compiled and
 * started on embedded Tomcat (the development issuer's URL replaces the example issuer), then called
 * over HTTP as the README's comments say.
 */
class ReadmeTest {
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** The first ```lang block under the heading, before the next heading of the same or a higher level. */
    static String block(String text, String lang, String heading) {
        Integer level = null;
        boolean inside = false;
        StringBuilder code = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            Matcher m = Pattern.compile("^(#+)\\s+(.*?)\\s*$").matcher(line);
            if (!inside && m.matches()) {
                if (level == null && m.group(2).equalsIgnoreCase(heading)) {
                    level = m.group(1).length();
                    continue;
                }
                if (level != null && m.group(1).length() <= level) break;
            }
            if (level == null) continue;
            if (!inside && line.strip().equals("```" + lang)) {
                inside = true;
            } else if (inside && line.strip().equals("```")) {
                return code.toString();
            } else if (inside) {
                code.append(line).append('\n');
            }
        }
        throw new AssertionError("no ```" + lang + " block under " + heading);
    }

    static HttpResponse<String> get(int port, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theQuickStartServesAsTheReadmeSays() throws Exception {
        String readme = Files.readString(Path.of(System.getProperty("meshauth.readme")));
        Path dir = Files.createTempDirectory("meshauth-spring-readme");
        Path yml = dir.resolve("application.yml");
        Files.writeString(yml, block(readme, "yaml", "Quick start"));
        Path src = dir.resolve("OrdersApplication.java");
        Files.writeString(src, block(readme, "java", "Quick start"));
        Path classes = Files.createDirectories(dir.resolve("classes"));
        int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(), "-cp",
                System.getProperty("java.class.path"), src.toString());
        assertEquals(0, rc, "the quick start compiles");

        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        try (DevIssuer dev = DevIssuer.start();
                URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            thread.setContextClassLoader(loader);
            SpringApplication app = new SpringApplication(loader.loadClass("com.example.quickstart.OrdersApplication"));
            app.setResourceLoader(new DefaultResourceLoader(loader));
            try (ConfigurableApplicationContext ctx = app.run("--spring.config.location=file:" + yml,
                    "--meshauth.validator.issuer=" + dev.issuer(), "--meshauth.token-client.issuer=" + dev.issuer(),
                    "--server.port=0", "--server.address=127.0.0.1", "--logging.level.root=WARN")) {
                int port = Integer.parseInt(ctx.getEnvironment().getProperty("local.server.port"));

                HttpResponse<String> ok = get(port, "/orders", dev.mint(Map.of("sub", "alice", "aud", "orders", "scope", "orders:read")));
                assertEquals(200, ok.statusCode(), ok.body());
                assertEquals("orders of alice", ok.body());

                HttpResponse<String> noScope = get(port, "/orders", dev.mint(Map.of("sub", "bob", "aud", "orders")));
                assertEquals(403, noScope.statusCode());
                assertEquals("Bearer error=\"insufficient_scope\", error_description=\"the token lacks a required scope\", scope=\"orders:read\"",
                        noScope.headers().firstValue("WWW-Authenticate").orElse(null));

                HttpResponse<String> none = get(port, "/orders", null);
                assertEquals(401, none.statusCode());
                assertEquals("Bearer", none.headers().firstValue("WWW-Authenticate").orElse(null));
                assertEquals("{\"error\":\"no_credentials\",\"error_description\":\"no access token in the request\"}", none.body());

                assertEquals("ok", get(port, "/health", null).body());
                // The TokenClient bean holds the YAML's client: the dev issuer gives "orders" a token for inventory.
                TokenClient tokens = ctx.getBean(TokenClient.class);
                assertEquals("inventory:read", tokens.clientCredentials(
                        TokenRequest.builder().audience("inventory").scope("inventory:read").build()).scope());
            }
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
