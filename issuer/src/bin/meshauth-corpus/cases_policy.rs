//! Token type, audience, service-to-service policy (allowed callers, required scopes) and the
//! shape of the Principal (client ids, scopes, roles, big numbers).

use meshauth_issuer::Algorithm;
use serde_json::{json, Value};

use crate::case::{Case, Expect};
use crate::context::{claims, claims_with, header, Ctx, ISS, NOW};

pub fn add(ctx: &mut Ctx) {
    token_type(ctx);
    audience(ctx);
    callers_and_scopes(ctx);
    principal_shapes(ctx);
}

fn with_typ(ctx: &Ctx, typ: Option<Value>, claims: &Value) -> String {
    let mut h = header("RS256", Some("rs256"));
    match typ {
        Some(t) => h["typ"] = t,
        None => {
            h.as_object_mut().expect("object").remove("typ");
        }
    }
    ctx.sign(&ctx.rsa(Algorithm::RS256), &h, claims)
}

fn token_type(ctx: &mut Ctx) {
    let strict = ctx.config_with(json!({"token_type": "at+jwt"}));
    let lax = ctx.config();
    let c = claims();
    for (name, typ, description) in [
        ("typ_at_jwt_strict", "at+jwt", "token_type at+jwt and typ at+jwt"),
        ("typ_at_jwt_uppercase_strict", "AT+JWT", "typ compared case-insensitively"),
        ("typ_application_at_jwt_strict", "application/at+jwt", "the `application/` prefix is stripped"),
    ] {
        let t = with_typ(ctx, Some(json!(typ)), &c);
        ctx.ok(name, description, strict.clone(), t);
    }
    for (name, typ, description) in [
        ("typ_jwt_rejected_strict", Some(json!("JWT")), "token_type at+jwt and typ JWT"),
        ("typ_missing_strict", None, "token_type at+jwt and no typ"),
        ("typ_application_jwt_strict", Some(json!("application/jwt")), "token_type at+jwt and typ application/jwt"),
        ("typ_prefix_only_strict", Some(json!("application/")), "typ `application/` alone"),
    ] {
        let t = with_typ(ctx, typ, &c);
        ctx.fail(name, description, strict.clone(), t, "invalid_token_type");
    }
    for (name, typ, description) in [
        ("typ_absent_default", None, "no token_type configured and no typ: accepted"),
        ("typ_jwt_default", Some(json!("JWT")), "no token_type configured and typ JWT"),
        (
            "typ_application_jwt_default",
            Some(json!("application/jwt")),
            "no token_type configured and typ application/jwt",
        ),
        ("typ_at_jwt_default", Some(json!("AT+JWT")), "no token_type configured and typ AT+JWT"),
    ] {
        let t = with_typ(ctx, typ, &c);
        ctx.ok(name, description, lax.clone(), t);
    }
    for (name, typ, description) in [
        ("typ_dpop_jwt_default", json!("dpop+jwt"), "typ dpop+jwt (a DPoP proof is not an access token)"),
        ("typ_id_token_default", json!("id_token+jwt"), "typ of another kind of JWT"),
        ("typ_number_default", json!(1), "typ is a number"),
    ] {
        let t = with_typ(ctx, Some(typ), &c);
        ctx.fail(name, description, lax.clone(), t, "invalid_token_type");
    }
    let t = with_typ(ctx, Some(json!(["at+jwt"])), &c);
    ctx.fail("typ_array_strict", "typ is an array under token_type at+jwt", strict, t, "invalid_token_type");
}

fn rs256(ctx: &Ctx, claims: &Value) -> String {
    ctx.token(&ctx.rsa(Algorithm::RS256), claims)
}

fn audience(ctx: &mut Ctx) {
    let cfg = ctx.config();
    let t = rs256(ctx, &claims_with(json!({"aud": ["billing", "orders"]})));
    ctx.ok("aud_array_valid", "aud array with the service among other audiences", cfg.clone(), t);
    let t = rs256(ctx, &claims_with(json!({"aud": "billing"})));
    ctx.fail("aud_wrong", "aud names another service", cfg.clone(), t, "invalid_audience");
    let t = rs256(ctx, &claims_with(json!({"aud": ["billing", "inventory"]})));
    ctx.fail("aud_array_without_service", "aud array without the service", cfg.clone(), t, "invalid_audience");
    let t = rs256(ctx, &claims_with(json!({"aud": []})));
    ctx.fail("aud_empty_array", "aud is an empty array", cfg.clone(), t, "invalid_audience");
    let t = rs256(ctx, &claims_with(json!({"aud": null})));
    ctx.fail("aud_missing", "no aud", cfg.clone(), t, "invalid_audience");
    let t = rs256(ctx, &claims_with(json!({"aud": "Orders"})));
    ctx.fail("aud_case_differs", "aud differing only in case", cfg.clone(), t, "invalid_audience");
    let t = rs256(ctx, &claims_with(json!({"aud": "billing"})));
    ctx.ok(
        "aud_config_list",
        "audience configured as a list, the token names its second member",
        ctx.config_with(json!({"audience": ["orders", "billing"]})),
        t,
    );
    let t = rs256(ctx, &claims_with(json!({"aud": null})));
    ctx.ok(
        "allow_any_audience_no_aud",
        "allow_any_audience true: a token without aud is accepted",
        ctx.config_with(json!({"audience": null, "allow_any_audience": true})),
        t,
    );
    let t = rs256(ctx, &claims_with(json!({"aud": "somewhere-else"})));
    ctx.ok(
        "allow_any_audience_other_aud",
        "allow_any_audience true: any aud is accepted",
        ctx.config_with(json!({"audience": null, "allow_any_audience": true})),
        t,
    );
}

fn callers_and_scopes(ctx: &mut Ctx) {
    let clients = ctx.config_with(json!({"allowed_clients": ["orders-svc", "billing-svc"]}));
    let service = |extra: Value| {
        claims_with(json!({"sub": "orders-svc", "client_id": "orders-svc", "scope": "orders:read orders:write"}))
            .as_object()
            .cloned()
            .map(|m| crate::context::merge(Value::Object(m), extra))
            .expect("object")
    };
    let t = rs256(ctx, &service(json!({})));
    ctx.ok("allowed_client_listed", "allowed_clients lists the token's client_id", clients.clone(), t);
    let t = rs256(ctx, &service(json!({"sub": "intruder-svc", "client_id": "intruder-svc"})));
    ctx.fail("caller_not_allowed", "client_id not in allowed_clients", clients.clone(), t, "caller_not_allowed");
    let t = rs256(ctx, &claims_with(json!({"azp": "billing-svc"})));
    ctx.ok("allowed_client_from_azp", "no client_id: azp is the caller", clients.clone(), t);
    let t = rs256(ctx, &claims_with(json!({"sub": "billing-svc"})));
    ctx.ok("allowed_client_from_sub", "no client_id nor azp: sub is the caller", clients.clone(), t);
    let t = rs256(ctx, &claims_with(json!({"client_id": "intruder-svc", "azp": "orders-svc", "sub": "orders-svc"})));
    ctx.fail(
        "caller_client_id_wins_over_azp",
        "client_id (not listed) takes precedence over a listed azp and sub",
        clients.clone(),
        t,
        "caller_not_allowed",
    );
    let t = rs256(ctx, &claims_with(json!({"sub": null})));
    ctx.fail(
        "caller_unidentified",
        "no client_id, azp or sub under allowed_clients",
        clients.clone(),
        t,
        "caller_not_allowed",
    );
    let t = rs256(ctx, &service(json!({"aud": "billing", "client_id": "intruder-svc"})));
    ctx.fail(
        "audience_checked_before_caller",
        "wrong aud and a caller not allowed: invalid_audience answers first",
        clients,
        t,
        "invalid_audience",
    );

    let required = ["orders:read", "orders:write"];
    let scoped = ctx.config_with(json!({"required_scopes": required}));
    let t = rs256(ctx, &service(json!({})));
    ctx.ok("required_scopes_present", "scope string holds every required scope", scoped.clone(), t);
    let t = rs256(ctx, &service(json!({"scope": "orders:read"})));
    ctx.push(Case::token(
        "insufficient_scope",
        "one required scope missing",
        scoped.clone(),
        t,
        Expect::insufficient_scope(&required),
    ));
    let t = rs256(ctx, &service(json!({"scope": null})));
    ctx.push(Case::token(
        "insufficient_scope_no_scope_claim",
        "no scope claim at all",
        scoped.clone(),
        t,
        Expect::insufficient_scope(&required),
    ));
    let t = rs256(ctx, &service(json!({"scope": "orders:read orders:writer"})));
    ctx.push(Case::token(
        "insufficient_scope_prefix_only",
        "`orders:writer` does not grant `orders:write`",
        scoped.clone(),
        t,
        Expect::insufficient_scope(&required),
    ));
    let t = rs256(ctx, &service(json!({"scope": null, "scp": ["orders:write", "orders:read", "extra"]})));
    ctx.ok("required_scopes_from_scp", "required scopes found in an scp array", scoped.clone(), t);
    let both = ctx.config_with(json!({"required_scopes": required, "allowed_clients": ["billing-svc"]}));
    let t = rs256(ctx, &service(json!({"scope": null})));
    ctx.fail(
        "caller_checked_before_scopes",
        "caller not allowed and no scopes: caller_not_allowed answers first",
        both,
        t,
        "caller_not_allowed",
    );
}

fn principal_shapes(ctx: &mut Ctx) {
    let cfg = ctx.config();
    let t = rs256(
        ctx,
        &claims_with(json!({"sub": "orders-svc", "client_id": "orders-svc", "scope": "inventory:read billing:write"})),
    );
    ctx.ok("client_token_is_client", "client_id equal to sub: a service's own token (is_client)", cfg.clone(), t);
    let t = rs256(ctx, &claims_with(json!({"sub": null, "client_id": "orders-svc"})));
    ctx.ok("client_token_without_sub", "client_id and no sub: is_client", cfg.clone(), t);
    let t = rs256(ctx, &claims_with(json!({"client_id": "web-app"})));
    ctx.ok(
        "user_token_via_client",
        "a user's token obtained by a client: client_id set, is_client false",
        cfg.clone(),
        t,
    );
    let t = rs256(ctx, &claims_with(json!({"sub": "spa", "azp": "spa"})));
    ctx.ok("azp_as_client_id", "no client_id: azp becomes client_id", cfg.clone(), t);
    let t = rs256(ctx, &claims_with(json!({"scp": ["orders:read", "orders:write"]})));
    ctx.ok("scp_array", "scopes from an scp array", cfg.clone(), t);
    let t = rs256(ctx, &claims_with(json!({"scope": "a b c"})));
    ctx.ok("scope_string", "scopes from a space-separated scope string", cfg.clone(), t);
    let t = rs256(ctx, &claims_with(json!({"roles": ["admin", "auditor"]})));
    ctx.ok("roles_default_claim", "roles from the default `roles` claim", cfg.clone(), t);
    let t = rs256(ctx, &claims_with(json!({"roles": "admin"})));
    ctx.ok("roles_single_string", "a single-string roles claim becomes one role", cfg.clone(), t);
    let t = rs256(ctx, &claims_with(json!({"realm_access": {"roles": ["admin", "user"]}, "roles": ["ignored"]})));
    ctx.ok(
        "roles_dotted_path",
        "roles_claim realm_access.roles (a dotted path)",
        ctx.config_with(json!({"roles_claim": "realm_access.roles"})),
        t,
    );
    let t = rs256(ctx, &claims_with(json!({"realm_access": {"groups": ["x"]}})));
    ctx.ok(
        "roles_dotted_path_missing",
        "roles_claim path absent: no roles",
        ctx.config_with(json!({"roles_claim": "realm_access.roles"})),
        t,
    );

    let hdr = header("RS256", Some("rs256")).to_string();
    let payload = format!(
        r#"{{"aud":"orders","big":12345678901234567890123,"exp":{},"iss":"{ISS}","n":-9007199254740993,"sub":"alice","x":1.5e3}}"#,
        NOW + 3600
    );
    let t = ctx.sign_raw(&ctx.rsa(Algorithm::RS256), &hdr, &payload);
    ctx.ok("big_integer_claim", "integers beyond 2^64 and 2^53 stay exact in the claims", cfg.clone(), t);
    let t = rs256(
        ctx,
        &claims_with(
            json!({"nbf": NOW - 100, "iat": NOW - 100, "exp": NOW + 100, "jti": "abc", "email": "alice@example.com", "nested": {"a": [1, 2, {"b": null}]}}),
        ),
    );
    ctx.ok("all_registered_claims", "every registered claim set, plus nested custom claims", cfg, t);
}
