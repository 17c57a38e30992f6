//! `meshauth` end to end against the development issuer: every subcommand, every exit code, as a
//! user sees them (stdout, stderr, status).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use meshauth_issuer::{Issuer, IssuerOptions, MintRequest, RunningIssuer};
use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_meshauth");

fn issuer() -> RunningIssuer {
    Issuer::start(IssuerOptions::default()).expect("the issuer starts")
}

/// Run `meshauth args`, `stdin` piped in, no colour, a clean environment for the secret.
fn run(args: &[&str], stdin: &str) -> Output {
    run_env(args, stdin, &[])
}

fn run_env(args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args).env_remove("MESHAUTH_CLIENT_SECRET").env_remove("NO_COLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}
fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}
fn json_out(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(o)))
}

fn user_token(issuer: &RunningIssuer, claims: Value) -> String {
    issuer.mint(&MintRequest::new(claims)).unwrap()
}

fn unsigned(header: Value, claims: Value) -> String {
    let enc = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
    format!("{}.{}.c2ln", enc(&header), enc(&claims))
}

struct TempDir(PathBuf);
impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("meshauth-cli-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
    fn file(&self, name: &str, text: &str) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().into_owned()
    }
}
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn verify_args<'a>(iss: &'a str, audience: &'a str) -> Vec<&'a str> {
    vec!["verify", "--issuer", iss, "--audience", audience, "--discovery"]
}

#[test]
fn inspect_decodes_says_unverified_and_reads_stdin() {
    let issuer = issuer();
    let token = user_token(&issuer, json!({"sub": "alice", "aud": "orders"}));
    for (args, stdin) in [
        (vec!["inspect", token.as_str()], ""),
        (vec!["inspect", "-"], token.as_str()),
        (vec!["inspect"], token.as_str()),
    ] {
        let o = run(&args, stdin);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let text = stdout(&o);
        assert!(text.starts_with("NOT VERIFIED: decoded only."), "{text}");
        assert!(text.contains("  sub  alice") || text.contains("sub  alice"), "{text}");
        assert!(text.contains(" UTC (in 4 min)") || text.contains(" UTC (in 5 min)"), "exp relative: {text}");
        assert!(text.contains("nothing under the default configuration"), "{text}");
        assert!(!text.contains('\x1b'), "no colour when not a terminal");
        assert!(text.lines().all(|l| l.chars().count() <= 80), "80 columns: {text}");
    }
    let o = run(&["inspect", "--json", &token], "");
    let doc = json_out(&o);
    assert_eq!(doc["verified"], false);
    assert_eq!(doc["claims"]["sub"], "alice");
    assert_eq!(doc["header"]["typ"], "at+jwt");
    assert!(doc["times"]["exp"]["seconds_from_now"].as_i64().unwrap() > 200);
    assert_eq!(doc["objections"], json!([]));
}

#[test]
fn inspect_points_out_what_the_validator_would_refuse() {
    let refused = |header: Value, claims: Value| {
        let o = run(&["inspect", "--json", &unsigned(header, claims)], "");
        assert_eq!(o.status.code(), Some(0));
        json_out(&o)["objections"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| o["refused"] == true)
            .map(|o| o["code"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let good = json!({"iss": "https://i", "aud": "a", "exp": meshauth::now() + 600});
    assert_eq!(refused(json!({"alg": "none"}), good.clone()), ["algorithm_not_allowed"]);
    assert_eq!(refused(json!({"alg": "HS256"}), good.clone()), ["algorithm_not_allowed"]);
    assert_eq!(refused(json!({"alg": "RS256"}), json!({"iss": "https://i", "aud": "a"})), ["missing_claim"]);
    assert_eq!(refused(json!({"alg": "RS256", "typ": "dpop+jwt"}), good.clone()), ["invalid_token_type"]);
    assert_eq!(refused(json!({"alg": "RS256", "crit": ["x"]}), good.clone()), ["unsupported_token"]);
    let expired = json!({"iss": "https://i", "aud": "a", "exp": meshauth::now() - 3600});
    assert_eq!(refused(json!({"alg": "RS256"}), expired), ["token_expired"]);
    assert_eq!(
        refused(json!({"alg": "RS256"}), json!({"exp": meshauth::now() + 60})),
        ["invalid_issuer", "invalid_audience"]
    );
    // typ JWT: accepted by default, a note about at+jwt policies.
    let o = run(&["inspect", &unsigned(json!({"alg": "ES256", "typ": "JWT"}), good)], "");
    let text = stdout(&o);
    assert!(text.contains("note") && text.contains("\"at+jwt\" (RFC 9068)"), "{text}");
    assert!(text.contains("no kid"), "{text}");
}

#[test]
fn inspect_of_something_that_is_not_a_token_exits_4() {
    for (input, why) in
        [("abc.def", "three dot-separated segments"), ("a.b.c.d.e", "encrypted token"), ("!!!.e30.x", "not base64url")]
    {
        let o = run(&["inspect", input], "");
        assert_eq!(o.status.code(), Some(4), "{input}");
        assert!(stderr(&o).contains(why), "{}", stderr(&o));
        assert!(!stderr(&o).contains(input), "the input is not echoed");
    }
    let o = run(&["inspect"], "  \n");
    assert_eq!(o.status.code(), Some(4));
    assert!(stderr(&o).contains("no token"), "{}", stderr(&o));
}

#[test]
fn verify_prints_the_principal() {
    let issuer = issuer();
    let token =
        user_token(&issuer, json!({"sub": "alice", "aud": "orders", "scope": "orders:read", "roles": ["admin"]}));
    let o = run(&verify_args(issuer.issuer(), "orders"), &token);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let p = json_out(&o);
    assert_eq!(
        (p["subject"].as_str(), p["scopes"].clone(), p["roles"].clone()),
        (Some("alice"), json!(["orders:read"]), json!(["admin"]))
    );
    assert!(p.get("token").is_none(), "the text output leaves the token out");
    assert!(stderr(&o).starts_with("verified:"), "{}", stderr(&o));

    let o = run(
        &[
            "--json",
            "verify",
            "--issuer",
            issuer.issuer(),
            "--audience",
            "orders",
            "--jwks-url",
            &issuer.jwks_url(),
            &token,
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(0));
    let doc = json_out(&o);
    assert_eq!(doc["valid"], true);
    assert_eq!(doc["principal"]["token"], token.as_str());
    assert_eq!(doc["principal"]["issuer"], issuer.issuer());
}

#[test]
fn verify_with_a_jwks_file_a_pem_file_and_a_config_file() {
    let issuer = issuer();
    let dir = TempDir::new("sources");
    let token = user_token(&issuer, json!({"sub": "alice", "aud": "orders"}));
    let jwks = dir.file("jwks.json", &issuer.jwks().to_string());
    let o = run(&["verify", "--issuer", issuer.issuer(), "--audience", "orders", "--jwks", &jwks, &token], "");
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));

    // A PEM file holding the RS256 key (SPKI), made from the JWKS's RSA key.
    let rsa = issuer.jwks()["keys"].as_array().unwrap().iter().find(|k| k["kty"] == "RSA").unwrap().clone();
    let pem = dir.file("key.pem", &rsa_pem(&rsa));
    let o = run(&["verify", "--issuer", issuer.issuer(), "--audience", "orders", "--pem", &pem, &token], "");
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));

    // The configuration schema, with options overriding it.
    let config = dir.file(
        "config.json",
        &json!({"issuer": issuer.issuer(), "audience": "billing", "jwks_url": issuer.jwks_url(), "required_scopes": ["orders:read"]}).to_string(),
    );
    let o = run(&["verify", "--config", &config, &token], "");
    assert_eq!(o.status.code(), Some(6), "audience billing from the file: {}", stdout(&o));
    let o = run(&["verify", "--config", &config, "--audience", "orders", &token], "");
    assert_eq!(o.status.code(), Some(7), "the file's required_scopes apply: {}", stdout(&o));
    assert!(stdout(&o).contains("insufficient_scope"));
    assert!(stdout(&o).contains("required scopes: [\"orders:read\"]"), "{}", stdout(&o));
}

/// SPKI PEM of an RSA JWK (n, e), DER by hand: SEQUENCE { AlgorithmIdentifier, BIT STRING { RSAPublicKey } }.
fn rsa_pem(jwk: &Value) -> String {
    fn der(tag: u8, body: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        let len = body.len();
        if len < 128 {
            out.push(len as u8);
        } else {
            let bytes: Vec<u8> = len.to_be_bytes().iter().copied().skip_while(|b| *b == 0).collect();
            out.push(0x80 | bytes.len() as u8);
            out.extend(bytes);
        }
        out.extend_from_slice(body);
        out
    }
    fn uint(bytes: &[u8]) -> Vec<u8> {
        let mut b = bytes.to_vec();
        if b[0] & 0x80 != 0 {
            b.insert(0, 0);
        }
        der(0x02, &b)
    }
    let n = URL_SAFE_NO_PAD.decode(jwk["n"].as_str().unwrap()).unwrap();
    let e = URL_SAFE_NO_PAD.decode(jwk["e"].as_str().unwrap()).unwrap();
    let rsa_key = der(0x30, &[uint(&n), uint(&e)].concat());
    let alg = hex_bytes("300d06092a864886f70d0101010500");
    let bits = der(0x03, &[vec![0], rsa_key].concat());
    let spki = der(0x30, &[alg, bits].concat());
    let b64 = base64::engine::general_purpose::STANDARD.encode(spki);
    let lines: Vec<&str> = b64.as_bytes().chunks(64).map(|c| std::str::from_utf8(c).unwrap()).collect();
    format!("-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n", lines.join("\n"))
}

fn hex_bytes(h: &str) -> Vec<u8> {
    (0..h.len()).step_by(2).map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap()).collect()
}

/// Each refusal: its exit code, its code, and the explanation's two sides.
#[test]
fn verify_refusals_exit_by_category_and_explain() {
    let issuer = issuer();
    let iss = issuer.issuer().to_owned();
    let good =
        user_token(&issuer, json!({"sub": "alice", "aud": "orders", "scope": "orders:read", "client_id": "web"}));
    let expired = user_token(&issuer, json!({"sub": "alice", "aud": "orders", "exp": meshauth::now() - 600}));
    let tampered = issuer
        .mint(&MintRequest {
            tamper: Some("signature".into()),
            ..MintRequest::new(json!({"sub": "a", "aud": "orders"}))
        })
        .unwrap();
    let other_issuer = Issuer::start(IssuerOptions::default()).unwrap();
    let foreign = other_issuer.mint(&MintRequest::new(json!({"sub": "a", "aud": "orders", "iss": iss}))).unwrap();
    let dpop = issuer
        .mint(&MintRequest {
            header: json!({"typ": "dpop+jwt"}).as_object().unwrap().clone(),
            ..MintRequest::new(json!({"sub": "a", "aud": "orders"}))
        })
        .unwrap();
    let dead_port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let dead_jwks = format!("http://127.0.0.1:{dead_port}/jwks");
    let dir = TempDir::new("refusals");
    let other_jwks = dir.file("other.json", &other_issuer.jwks().to_string());

    let big = "x".repeat(20_000);
    let iss_line = format!("token iss:        \"{iss}\"");
    let iss_lines = [iss_line.as_str(), "trusted issuers:  [\"https://elsewhere.example\"]"];
    let base = |extra: &[&str]| -> Vec<String> {
        let mut v: Vec<String> =
            ["verify", "--json", "--issuer", &iss, "--audience", "orders", "--discovery"].map(String::from).to_vec();
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    #[allow(clippy::type_complexity)]
    let cases: Vec<(Vec<String>, &str, &str, i32, Option<u16>, &[&str])> = vec![
        (base(&[]), "not.a.token", "malformed_token", 4, Some(401), &["3 dot-separated segments"]),
        (base(&[]), &big, "token_too_large", 4, Some(401), &["20000 bytes; max_token_bytes: 16384"]),
        (
            base(&["--algorithm", "ES256"]),
            &good,
            "algorithm_not_allowed",
            5,
            Some(401),
            &["token alg:           \"RS256\"", "allowed algorithms:  [\"ES256\"]"],
        ),
        (base(&[]), &tampered, "invalid_signature", 5, Some(401), &["does not verify"]),
        (
            vec!["verify", "--json", "--issuer", &iss, "--audience", "orders", "--jwks", &other_jwks]
                .into_iter()
                .map(String::from)
                .collect(),
            &good,
            "key_not_found",
            5,
            Some(401),
            &["key set kids:"],
        ),
        (base(&[]), &foreign, "key_not_found", 5, Some(401), &["token kid:"]),
        (base(&[]), &expired, "token_expired", 6, Some(401), &["token exp:", "min ago)", "(leeway 60 s)"]),
        (
            vec![
                "verify",
                "--json",
                "--issuer",
                "https://elsewhere.example",
                "--audience",
                "orders",
                "--jwks-url",
                &issuer.jwks_url(),
            ]
            .into_iter()
            .map(String::from)
            .collect(),
            &good,
            "invalid_issuer",
            6,
            Some(401),
            &iss_lines,
        ),
        (
            vec!["verify", "--json", "--issuer", &iss, "--audience", "billing", "--discovery"]
                .into_iter()
                .map(String::from)
                .collect(),
            &good,
            "invalid_audience",
            6,
            Some(401),
            &["token aud:           \"orders\"", "configured audience: \"billing\""],
        ),
        (
            base(&["--token-type", "at+jwt"]),
            &dpop,
            "invalid_token_type",
            6,
            Some(401),
            &["token typ:          \"dpop+jwt\"", "configured token_type: \"at+jwt\""],
        ),
        (
            base(&["--required-scope", "orders:write"]),
            &good,
            "insufficient_scope",
            7,
            Some(403),
            &["token scopes:    \"orders:read\"", "required scopes: [\"orders:write\"]"],
        ),
        (
            base(&["--allowed-client", "billing"]),
            &good,
            "caller_not_allowed",
            7,
            Some(403),
            &["calling client:  \"web\"", "allowed_clients: [\"billing\"]"],
        ),
        (
            vec!["verify", "--json", "--issuer", &iss, "--audience", "orders", "--jwks-url", &dead_jwks]
                .into_iter()
                .map(String::from)
                .collect(),
            &good,
            "key_source_unavailable",
            8,
            Some(503),
            &["jwks_url: \"http://127.0.0.1:"],
        ),
        (
            vec!["verify", "--json", "--issuer", &iss, "--discovery"].into_iter().map(String::from).collect(),
            &good,
            "invalid_config",
            3,
            None,
            &[],
        ),
    ];
    for (args, token, code, exit, status, explanation) in cases {
        let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
        args.push("-");
        let o = run(&args, token);
        assert_eq!(o.status.code(), Some(exit), "{code}: {}{}", stdout(&o), stderr(&o));
        let doc = json_out(&o);
        assert_eq!(doc["valid"], false);
        let e = &doc["error"];
        assert_eq!(e["code"], code, "{doc}");
        assert_eq!(e["status"].as_u64().map(|s| s as u16), status, "{code}");
        let lines: Vec<&str> = e["explanation"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
        for want in explanation {
            assert!(lines.iter().any(|l| l.contains(want)), "{code}: {want:?} not in {lines:#?}");
        }
        if status == Some(401) || code == "insufficient_scope" {
            assert!(e["www_authenticate"].as_str().unwrap().starts_with("Bearer"), "{code}");
        }
    }
}

#[test]
fn verify_refusal_as_text_names_code_status_and_challenge() {
    let issuer = issuer();
    let token = user_token(&issuer, json!({"sub": "alice", "aud": "orders"}));
    let o = run(&["verify", "--issuer", issuer.issuer(), "--audience", "billing", "--discovery", &token], "");
    assert_eq!(o.status.code(), Some(6));
    let text = stdout(&o);
    assert!(text.starts_with("refused: invalid_audience\n"), "{text}");
    assert!(text.contains("HTTP     401"), "{text}");
    assert!(text.contains("  WWW-Authenticate:\n    Bearer error=\"invalid_token\",\n      error_description=\"the token is not meant for this service\"\n"), "{text}");
    assert!(text.contains("why\n  token aud:           \"orders\"\n  configured audience: \"billing\""), "{text}");
    assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
}

#[test]
fn exit_codes_for_usage_and_unreadable_files() {
    let o = run(&["verify", "--no-such-option"], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--no-such-option"));
    let o = run(&["verify", "--config", "/nonexistent/meshauth.json", "x.y.z"], "");
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("cannot read the configuration /nonexistent/meshauth.json"), "{}", stderr(&o));
    let o = run(&["--version"], "");
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o).trim(), format!("meshauth {}", env!("CARGO_PKG_VERSION")));
    let o = run(&["verify", "--jwks-url", "http://127.0.0.1:1/jwks", "--discovery", "x"], "");
    assert_eq!(o.status.code(), Some(2), "two key sources: {}", stderr(&o));
}

#[test]
fn token_prints_the_token_alone_on_stdout() {
    let issuer = issuer();
    let dir = TempDir::new("token");
    let secret = dir.file("secret", "orders-dev-secret\n");
    let args = [
        "token",
        "--issuer",
        issuer.issuer(),
        "--client-id",
        "orders",
        "--audience",
        "inventory",
        "--scope",
        "inventory:read",
    ];
    let o = run(&[&args[..], &["--client-secret-file", &secret]].concat(), "");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let token = stdout(&o);
    assert_eq!(token.lines().count(), 1);
    assert!(stderr(&o).starts_with("obtained Bearer token, expires "), "{}", stderr(&o));
    assert!(stderr(&o).contains("scope \"inventory:read\""));
    // And it verifies.
    let o = run(&verify_args(issuer.issuer(), "inventory"), &token);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(json_out(&o)["client_id"], "orders");

    // The secret from the environment; --json.
    let o = run_env(&[&args[..], &["--json"]].concat(), "", &[("MESHAUTH_CLIENT_SECRET", "orders-dev-secret")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc = json_out(&o);
    assert_eq!(doc["token_type"], "Bearer");
    assert!(doc["access_token"].as_str().unwrap().starts_with("eyJ"));

    // private_key_jwt with the registered client's key.
    let key = Path::new(env!("CARGO_MANIFEST_DIR")).join("../issuer/dev-keys/signed-client.pem");
    let o = run(
        &[
            "token",
            "--issuer",
            issuer.issuer(),
            "--client-id",
            "signed-client",
            "--private-key",
            key.to_str().unwrap(),
            "--audience",
            "inventory",
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    // Refused by the server: exit 9, the OAuth error named, the secret never printed.
    let o = run_env(&args, "", &[("MESHAUTH_CLIENT_SECRET", "wrong-secret")]);
    assert_eq!(o.status.code(), Some(9), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
    assert!(stderr(&o).contains("token_endpoint_error"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("wrong-secret"));
    let o = run_env(&[&args[..], &["--json"]].concat(), "", &[("MESHAUTH_CLIENT_SECRET", "wrong-secret")]);
    assert_eq!(o.status.code(), Some(9));
    assert_eq!(json_out(&o)["error"]["oauth_error"], "invalid_client");

    // No credentials at all: exit 3.
    let o = run(&args, "");
    assert_eq!(o.status.code(), Some(3));
    assert!(
        stderr(&o).contains("--client-secret-file FILE, MESHAUTH_CLIENT_SECRET, or --private-key FILE"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn exchange_with_both_grants() {
    let issuer = issuer();
    let dir = TempDir::new("exchange");
    let secret = dir.file("secret", "orders-dev-secret");
    let user = user_token(&issuer, json!({"sub": "alice", "aud": "orders"}));
    for grant in ["jwt-bearer", "token-exchange"] {
        let o = run(
            &[
                "exchange",
                "--grant",
                grant,
                "--issuer",
                issuer.issuer(),
                "--client-id",
                "orders",
                "--client-secret-file",
                &secret,
                "--audience",
                "partner-api",
                "--scope",
                "partner:orders:read",
                "-",
            ],
            &user,
        );
        assert_eq!(o.status.code(), Some(0), "{grant}: {}", stderr(&o));
        let exchanged = stdout(&o);
        let o = run(
            &[
                "--json",
                "verify",
                "--issuer",
                issuer.issuer(),
                "--audience",
                "partner-api",
                "--discovery",
                exchanged.trim(),
            ],
            "",
        );
        assert_eq!(o.status.code(), Some(0), "{grant}: {}", stdout(&o));
        let p = &json_out(&o)["principal"];
        assert_eq!((p["subject"].as_str(), p["audiences"].clone()), (Some("alice"), json!(["partner-api"])), "{grant}");
    }
    // An audience the client may not ask for: the server refuses, exit 9.
    let o = run(
        &[
            "exchange",
            "--issuer",
            issuer.issuer(),
            "--client-id",
            "orders",
            "--client-secret-file",
            &secret,
            "--audience",
            "payroll",
        ],
        &user,
    );
    assert_eq!(o.status.code(), Some(9), "{}", stderr(&o));
}

#[test]
fn issuer_runs_the_development_issuer_and_passes_options_through() {
    let mut child = Command::new(BIN)
        .args(["issuer", "--port", "0", "--token-ttl-s", "77"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let url =
        line.trim().strip_prefix("meshauth-issuer listening on ").unwrap_or_else(|| panic!("{line:?}")).to_owned();
    let port: u16 = url.rsplit(':').next().unwrap().parse().unwrap();
    let mut conn = TcpStream::connect(("127.0.0.1", port)).unwrap();
    conn.write_all(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    // --token-ttl-s reached the issuer: its tokens live 77 s.
    let o = run_env(
        &["--json", "token", "--issuer", &url, "--client-id", "reporting", "--audience", "billing"],
        "",
        &[("MESHAUTH_CLIENT_SECRET", "reporting-dev-secret")],
    );
    let child_result = (child.kill(), child.wait());
    assert!(child_result.0.is_ok());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let token = json_out(&o)["access_token"].as_str().unwrap().to_owned();
    let o = run(&["--json", "inspect", &token], "");
    let claims = &json_out(&o)["claims"];
    assert_eq!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(), 77);

    // --json: the one stdout line is a JSON object.
    let mut child = Command::new(BIN)
        .args(["--json", "issuer", "--port", "0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let _ = (child.kill(), child.wait());
    let doc: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line:?}"));
    let url = doc["url"].as_str().unwrap();
    assert!(url.starts_with("http://127.0.0.1:"), "{doc}");
    assert_eq!(doc["token_endpoint"], format!("{url}/token"));
    assert_eq!(doc["jwks_uri"], format!("{url}/jwks"));

    let o = run(&["issuer", "--port", "0", "--no-such-issuer-option"], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown argument \"--no-such-issuer-option\""), "{}", stderr(&o));
    let o = run(&["issuer", "--config", "/nonexistent/clients.json"], "");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}
