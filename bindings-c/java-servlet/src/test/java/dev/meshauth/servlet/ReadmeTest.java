package dev.meshauth.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/** README.md's quick start, compiled and run unchanged; its output is what the README says. */
class ReadmeTest {
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

    @Test
    void theQuickStartRunsAndPrintsWhatItSays() throws Exception {
        String readme = Files.readString(Path.of(System.getProperty("meshauth.readme")));
        Path dir = Files.createTempDirectory("meshauth-readme");
        Path src = dir.resolve("QuickStart.java");
        Files.writeString(src, block(readme, "java", "Quick start"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "-d", dir.toString(), "-cp", System.getProperty("java.class.path"), src.toString());
        assertEquals(0, rc, "the quick start compiles");

        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            loader.loadClass("QuickStart").getMethod("main", String[].class).invoke(null, (Object) new String[0]);
        } finally {
            System.setOut(stdout);
        }
        List<String> lines = new ArrayList<>(List.of(captured.toString(StandardCharsets.UTF_8).split("\n")));
        lines.removeIf(String::isBlank);
        assertEquals(List.of("200 orders of alice",
                "401 Bearer {\"error\":\"no_credentials\",\"error_description\":\"no access token in the request\"}"), lines);
        assertTrue(readme.contains("// 401 Bearer {\"error\":\"no_credentials\""), "the README shows the output");
    }
}
