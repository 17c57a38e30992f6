package dev.meshauth.spring;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;

/**
 * Reads {@code meshauth.*} from the Spring {@link Environment} as the core's configuration objects.
 *
 * <p>The options pass through to the core unchanged, so their names are the core's (see the
 * configuration reference); {@code allowed-clients} is accepted for {@code allowed_clients}. Lists
 * and nested objects (e.g. {@code issuers}) keep their shape. Text values {@code true}/{@code false}
 * and whole numbers (from environment variables or {@code @DynamicPropertySource}) become JSON
 * booleans and numbers; {@code ${...}} placeholders are resolved. An unknown option is the core's {@code invalid_config} at startup.
 *
 * <pre>
 * meshauth:
 *   validator:            # the resource server: Validator options
 *     issuer: https://issuer.example
 *     audience: orders
 *     discovery: true
 *   paths:                # per-path overrides, first match wins
 *     - pattern: /admin/**
 *       allowed_clients: [billing]
 *   token-client:         # outgoing calls: TokenClient options
 *     issuer: https://issuer.example
 *     client_id: orders
 *     client_secret: ${ORDERS_CLIENT_SECRET}
 * </pre>
 */
public final class MeshAuthProperties {
    private MeshAuthProperties() {
    }

    /** The object under {@code prefix} (e.g. {@code meshauth.validator}); empty when nothing is set. */
    public static Map<String, Object> object(Environment env, String prefix) {
        Object tree = tree(env, prefix);
        if (tree == null) return Map.of();
        if (!(tree instanceof Map)) throw new IllegalArgumentException(prefix + " must be an object");
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) tree;
        return m;
    }

    /** The list under {@code prefix} (e.g. {@code meshauth.paths}); empty when nothing is set. */
    public static List<Object> list(Environment env, String prefix) {
        Object tree = tree(env, prefix);
        if (tree == null) return List.of();
        if (!(tree instanceof List)) throw new IllegalArgumentException(prefix + " must be a list");
        @SuppressWarnings("unchecked")
        List<Object> l = (List<Object>) tree;
        return l;
    }

    /**
     * Every property under {@code prefix}, from the highest-priority source that sets it, as a tree
     * of maps (named elements) and lists (indexed elements).
     */
    private static Object tree(Environment env, String prefix) {
        ConfigurationPropertyName root = ConfigurationPropertyName.of(prefix);
        Map<ConfigurationPropertyName, Object> values = new LinkedHashMap<>();
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(env)) {
            if (!(source instanceof IterableConfigurationPropertySource iterable)) continue;
            iterable.filter(root::isAncestorOf).stream().forEach(name -> {
                if (values.keySet().stream().anyMatch(n -> n.equals(name) || n.isAncestorOf(name) || name.isAncestorOf(n))) return;
                ConfigurationProperty p = source.getConfigurationProperty(name);
                if (p != null) values.put(name, p.getValue());
            });
        }
        if (values.isEmpty()) return null;
        Object tree = null;
        for (Map.Entry<ConfigurationPropertyName, Object> e : values.entrySet()) {
            tree = put(tree, e.getKey(), root.getNumberOfElements(), coerce(resolve(env, e.getValue())));
        }
        return finish(tree);
    }

    /** Insert {@code value} at the elements of {@code name} from {@code i}; indexed levels are TreeMaps until finished. */
    @SuppressWarnings("unchecked")
    private static Object put(Object node, ConfigurationPropertyName name, int i, Object value) {
        if (i == name.getNumberOfElements()) return value;
        boolean indexed = name.isNumericIndex(i);
        String key = name.getElement(i, Form.ORIGINAL);
        if (!indexed) key = key.replace('-', '_');
        Map<Object, Object> map;
        if (node instanceof Map) {
            map = (Map<Object, Object>) node;
        } else {
            map = indexed ? new TreeMap<>() : new LinkedHashMap<>();
        }
        Object k = indexed ? (Object) Integer.valueOf(key) : key;
        map.put(k, put(map.get(k), name, i + 1, value));
        return map;
    }

    /** Maps keyed by indices become lists. */
    @SuppressWarnings("unchecked")
    private static Object finish(Object node) {
        if (!(node instanceof Map)) return node;
        Map<Object, Object> map = (Map<Object, Object>) node;
        if (map instanceof TreeMap) {
            List<Object> list = new ArrayList<>();
            map.values().forEach(v -> list.add(finish(v)));
            return list;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put((String) k, finish(v)));
        return out;
    }

    /** {@code ${...}} placeholders resolved, as Spring resolves them for any property. */
    private static Object resolve(Environment env, Object value) {
        return value instanceof String s ? env.resolveRequiredPlaceholders(s) : value;
    }

    private static Object coerce(Object value) {
        if (!(value instanceof String s)) return value;
        if (s.equals("true")) return Boolean.TRUE;
        if (s.equals("false")) return Boolean.FALSE;
        if (s.matches("-?[0-9]{1,15}")) return Long.valueOf(s);
        return s;
    }
}
