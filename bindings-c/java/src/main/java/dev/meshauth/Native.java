package dev.meshauth;

import com.sun.jna.IntegerType;
import com.sun.jna.Library;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;

/**
 * The C ABI (include/meshauth.h) as JNA sees it. Library lookup: the system property
 * {@code meshauth.library.path} or the environment variable {@code MESHAUTH_LIBRARY_PATH} (a
 * directory holding libmeshauth.so), then JNA's usual search ({@code jna.library.path}, system
 * paths).
 */
final class Native {
    private Native() {}

    /** {@code size_t}. */
    public static final class SizeT extends IntegerType {
        public SizeT() {
            this(0);
        }

        public SizeT(long value) {
            super(com.sun.jna.Native.SIZE_T_SIZE, value, true);
        }
    }

    /** {@code meshauth_str}: a borrowed UTF-8 string, not NUL-terminated; data NULL = absent. */
    @Structure.FieldOrder({"data", "len"})
    public static class MeshauthStr extends Structure implements Structure.ByValue {
        public Pointer data;
        public SizeT len;

        String value() {
            if (data == null) return null;
            return new String(data.getByteArray(0, (int) len.longValue()), StandardCharsets.UTF_8);
        }
    }

    interface Lib extends Library {
        String meshauth_version();

        int meshauth_validator_new(byte[] config, SizeT len, PointerByReference out, PointerByReference err);

        int meshauth_validator_validate(Pointer v, byte[] token, SizeT len, long now, PointerByReference out,
                PointerByReference err);

        int meshauth_validator_authenticate(Pointer v, byte[] request, SizeT len, long now, PointerByReference out,
                PointerByReference err);

        int meshauth_validator_authenticate_header(Pointer v, byte[] authorization, SizeT authorizationLen,
                byte[] cookie, SizeT cookieLen, long now, PointerByReference out, PointerByReference err);

        int meshauth_validator_refresh(Pointer v, PointerByReference err);

        void meshauth_validator_free(Pointer v);

        Pointer meshauth_principal_json(Pointer p);

        MeshauthStr meshauth_principal_claims_json(Pointer p);

        void meshauth_principal_free(Pointer p);

        int meshauth_principal_from_json(byte[] json, SizeT len, PointerByReference out, PointerByReference err);

        int meshauth_principal_require_scopes(Pointer p, byte[] scopes, SizeT len, PointerByReference err);

        int meshauth_principal_require_clients(Pointer p, byte[] clients, SizeT len, PointerByReference err);

        Pointer meshauth_error_json(Pointer e);

        void meshauth_error_free(Pointer e);

        int meshauth_token_client_new(byte[] config, SizeT len, PointerByReference out, PointerByReference err);

        int meshauth_token_client_client_credentials(Pointer c, byte[] request, SizeT len, PointerByReference out,
                PointerByReference err);

        int meshauth_token_client_client_credentials_cached(Pointer c, byte[] request, SizeT len,
                PointerByReference out, PointerByReference err);

        int meshauth_token_client_jwt_bearer(Pointer c, byte[] assertion, SizeT assertionLen, byte[] request,
                SizeT requestLen, PointerByReference out, PointerByReference err);

        int meshauth_token_client_token_exchange(Pointer c, byte[] subject, SizeT subjectLen, byte[] request,
                SizeT requestLen, PointerByReference out, PointerByReference err);

        void meshauth_token_client_free(Pointer c);

        Pointer meshauth_access_token_json(Pointer t);

        Pointer meshauth_access_token_authorization_header(Pointer t);

        void meshauth_access_token_free(Pointer t);

        String meshauth_error_codes();

        String meshauth_result_name(int result);

        void meshauth_string_free(Pointer s);
    }

    static final Lib LIB = load();

    private static Lib load() {
        String dir = System.getProperty("meshauth.library.path");
        if (dir == null || dir.isEmpty()) dir = System.getenv("MESHAUTH_LIBRARY_PATH");
        if (dir != null && !dir.isEmpty()) NativeLibrary.addSearchPath("meshauth", dir);
        return com.sun.jna.Native.load("meshauth", Lib.class);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static SizeT len(byte[] b) {
        return new SizeT(b == null ? 0 : b.length);
    }

    /** Copy an owned C string into Java and release it with meshauth_string_free. */
    static String take(Pointer s) {
        if (s == null) return null;
        try {
            return s.getString(0, StandardCharsets.UTF_8.name());
        } finally {
            LIB.meshauth_string_free(s);
        }
    }
}
