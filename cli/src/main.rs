//! `meshauth`: look at a token, verify it with the real validator, obtain or exchange a token,
//! run the development issuer. See docs/cli.md.

mod decode;
mod exit_code;
mod explain;
mod inspect;
mod style;
mod time_text;
mod token;
mod token_input;
mod verify;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// A failure that ends the command: its exit code and what to tell the user.
pub struct Failure {
    pub exit: u8,
    pub message: String,
    /// The catalogue error, when meshauth produced it (printed as JSON with `--json`).
    pub error: Option<meshauth::Error>,
}

impl Failure {
    pub fn new(exit: u8, message: impl Into<String>) -> Failure {
        Failure { exit, message: message.into(), error: None }
    }
    pub fn from_error(e: meshauth::Error) -> Failure {
        Failure { exit: exit_code::for_code(e.code()), message: e.to_string(), error: Some(e) }
    }
}

#[derive(Parser)]
#[command(
    name = "meshauth",
    version,
    about = "Inspect and verify JWT access tokens with meshauth's rules; obtain and exchange tokens",
    after_help = "Tokens are read from stdin when the argument is `-` or missing, so they stay out of \
                  shell history.\nExit codes: 0 ok, 1 cannot run, 2 usage, 3 invalid_config, 4 unreadable \
                  token, 5 untrusted signature, 6 claim refused, 7 not authorised (403), 8 keys unavailable, \
                  9 token endpoint error."
)]
struct Cli {
    /// Machine-readable JSON on stdout
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Decode a token without verifying it; say what meshauth would object to before keys
    Inspect {
        /// The token, or `-` (default) for stdin
        token: Option<String>,
    },
    /// Verify a token with the real validator: the Principal, or why it is refused
    Verify(VerifyArgs),
    /// Obtain a client-credentials token (the token on stdout, diagnostics on stderr)
    Token {
        #[command(flatten)]
        client: ClientArgs,
        #[command(flatten)]
        request: RequestArgs,
    },
    /// Exchange a user token: jwt-bearer (RFC 7523) or token exchange (RFC 8693)
    Exchange {
        /// The token to exchange, or `-` (default) for stdin
        subject_token: Option<String>,
        /// Which grant
        #[arg(long, value_enum, default_value_t = GrantArg::JwtBearer)]
        grant: GrantArg,
        #[command(flatten)]
        client: ClientArgs,
        #[command(flatten)]
        request: RequestArgs,
        /// Token exchange: the subject token's type
        #[arg(long)]
        subject_token_type: Option<String>,
        /// Token exchange: the type of token asked for
        #[arg(long)]
        requested_token_type: Option<String>,
        /// Authenticate with this client's own client-credentials token instead of its credentials
        #[arg(long)]
        use_client_token: bool,
    },
    /// Run the development issuer (loopback; a development tool, never production)
    Issuer {
        /// Port (0: any free port; the URL is printed on stdout)
        #[arg(long, default_value_t = 8400)]
        port: u16,
        /// Client registry file (the issuer's --clients)
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Further meshauth-issuer options, passed through (see `meshauth issuer -- --help`)
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        issuer_args: Vec<String>,
    },
}

#[derive(Args)]
struct VerifyArgs {
    /// The token, or `-` (default) for stdin
    token: Option<String>,
    /// A configuration file (JSON, the schema of docs/configuration.md); options override it
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// The trusted issuer (exact `iss`)
    #[arg(long)]
    issuer: Option<String>,
    /// This service's audience (repeatable)
    #[arg(long)]
    audience: Vec<String>,
    /// Find the keys by discovery from the issuer URL
    #[arg(long, group = "keys")]
    discovery: bool,
    /// The issuer's JWKS URL
    #[arg(long, value_name = "URL", group = "keys")]
    jwks_url: Option<String>,
    /// A JWK Set file
    #[arg(long, value_name = "FILE", group = "keys")]
    jwks: Option<PathBuf>,
    /// A PEM public key file
    #[arg(long, value_name = "FILE", group = "keys")]
    pem: Option<PathBuf>,
    /// Allowed algorithms (repeatable; default: every asymmetric one)
    #[arg(long = "algorithm", value_name = "ALG")]
    algorithms: Vec<String>,
    /// Require this `typ` (e.g. at+jwt)
    #[arg(long)]
    token_type: Option<String>,
    /// Require this scope (repeatable)
    #[arg(long = "required-scope", value_name = "SCOPE")]
    required_scopes: Vec<String>,
    /// Allow only this calling client (repeatable)
    #[arg(long = "allowed-client", value_name = "CLIENT_ID")]
    allowed_clients: Vec<String>,
    /// Clock skew tolerated, in seconds (default 60)
    #[arg(long)]
    leeway_s: Option<u64>,
    /// Allow http:// key sources on other hosts than loopback
    #[arg(long)]
    allow_insecure_http: bool,
}

#[derive(Args)]
struct ClientArgs {
    /// The authorization server's issuer URL (discovery finds its token endpoint)
    #[arg(long)]
    issuer: Option<String>,
    /// The token endpoint, instead of discovery
    #[arg(long, value_name = "URL")]
    token_endpoint: Option<String>,
    /// This client's id
    #[arg(long)]
    client_id: String,
    /// A file holding the client secret (or set MESHAUTH_CLIENT_SECRET; never an option value)
    #[arg(long, value_name = "FILE", conflicts_with = "private_key")]
    client_secret_file: Option<PathBuf>,
    /// A PKCS#8 PEM private key file (private_key_jwt)
    #[arg(long, value_name = "FILE")]
    private_key: Option<PathBuf>,
    /// The private key's algorithm (default from the key)
    #[arg(long, value_name = "ALG")]
    private_key_alg: Option<String>,
    /// The `kid` of the private key's public JWK
    #[arg(long, value_name = "KID")]
    private_key_kid: Option<String>,
    /// client_secret_basic (default with a secret) or client_secret_post
    #[arg(long, value_name = "METHOD")]
    client_auth: Option<String>,
    /// Allow an http:// authorization server on other hosts than loopback
    #[arg(long)]
    allow_insecure_http: bool,
}

#[derive(Args)]
struct RequestArgs {
    /// The audience asked for
    #[arg(long)]
    audience: Option<String>,
    /// A scope asked for (repeatable)
    #[arg(long)]
    scope: Vec<String>,
    /// A resource indicator (RFC 8707, repeatable)
    #[arg(long)]
    resource: Vec<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum GrantArg {
    JwtBearer,
    TokenExchange,
}

impl From<ClientArgs> for token::ClientOptions {
    fn from(a: ClientArgs) -> Self {
        token::ClientOptions {
            issuer: a.issuer,
            token_endpoint: a.token_endpoint,
            client_id: a.client_id,
            client_secret_file: a.client_secret_file,
            client_secret_env: std::env::var("MESHAUTH_CLIENT_SECRET").ok(),
            private_key: a.private_key,
            private_key_alg: a.private_key_alg,
            private_key_kid: a.private_key_kid,
            client_auth: a.client_auth,
            allow_insecure_http: a.allow_insecure_http,
        }
    }
}

fn request_options(r: RequestArgs) -> token::RequestOptions {
    token::RequestOptions { audience: r.audience, scope: r.scope, resource: r.resource, ..Default::default() }
}

fn run(cli: Cli) -> Result<u8, Failure> {
    let json_out = cli.json;
    match cli.command {
        Command::Inspect { token } => {
            let token = token_input::read(token.as_deref(), "token")?;
            let decoded = decode::decode(&token).map_err(|m| Failure::new(exit_code::UNREADABLE_TOKEN, m))?;
            let now = meshauth::now();
            if json_out {
                println!("{}", inspect::to_json(&token, &decoded, now));
            } else {
                print!("{}", inspect::to_text(&token, &decoded, now, style::Style::detect(false)));
            }
            Ok(exit_code::OK)
        }
        Command::Verify(a) => {
            let token = token_input::read(a.token.as_deref(), "token")?;
            let options = verify::Options {
                config: a.config,
                issuer: a.issuer,
                audience: a.audience,
                discovery: a.discovery,
                jwks_url: a.jwks_url,
                jwks: a.jwks,
                pem: a.pem,
                algorithms: a.algorithms,
                token_type: a.token_type,
                required_scopes: a.required_scopes,
                allowed_clients: a.allowed_clients,
                leeway_s: a.leeway_s,
                allow_insecure_http: a.allow_insecure_http,
            };
            verify::run(&token, &options, json_out)
        }
        Command::Token { client, request } => {
            token::run(token::Grant::ClientCredentials, None, &client.into(), &request_options(request), json_out)
        }
        Command::Exchange {
            subject_token,
            grant,
            client,
            request,
            subject_token_type,
            requested_token_type,
            use_client_token,
        } => {
            let subject = token_input::read(subject_token.as_deref(), "subject token")?;
            let grant = match grant {
                GrantArg::JwtBearer => token::Grant::JwtBearer,
                GrantArg::TokenExchange => token::Grant::TokenExchange,
            };
            let request = token::RequestOptions {
                subject_token_type,
                requested_token_type,
                use_client_token,
                ..request_options(request)
            };
            token::run(grant, Some(&subject), &client.into(), &request, json_out)
        }
        Command::Issuer { port, config, issuer_args } => {
            let mut args = vec!["--port".to_owned(), port.to_string()];
            if let Some(c) = config {
                args.push("--clients".to_owned());
                args.push(c.to_string_lossy().into_owned());
            }
            args.extend(issuer_args);
            // The issuer's own exit status: 0 after serving, 1 cannot start, 2 usage.
            if json_out {
                Ok(meshauth_issuer::command_line::run_announcing("meshauth issuer", args, |issuer| {
                    serde_json::json!({
                        "url": issuer.url(),
                        "issuer": issuer.issuer(),
                        "jwks_uri": issuer.jwks_url(),
                        "token_endpoint": issuer.token_url(),
                    })
                    .to_string()
                }))
            } else {
                Ok(meshauth_issuer::command_line::run("meshauth issuer", args))
            }
        }
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { exit_code::USAGE } else { exit_code::OK });
        }
    };
    let json_out = cli.json;
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(f) => {
            match (&f.error, json_out) {
                (Some(e), true) => println!("{}", serde_json::json!({"error": e.to_json()})),
                _ => {
                    let s = style::Style::detect(true);
                    eprintln!("{} {}", s.bad("meshauth:"), f.message);
                }
            }
            ExitCode::from(f.exit)
        }
    }
}
