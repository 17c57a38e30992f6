//! The issuer's command line, shared by the `meshauth-issuer` binary and `meshauth issuer`.
//!
//! `[--host 127.0.0.1] [--port 0] [--issuer URL] [--clients FILE] [--token-ttl-s 300]
//! [--dev-endpoints] [--insecure-expose]`
//!
//! [`run`] prints exactly one line to stdout once it listens — `meshauth-issuer listening on
//! http://127.0.0.1:PORT` (the real port, also with `--port 0`) — then serves until killed.

use std::io::Write;

use crate::{ClientRegistry, Issuer, IssuerOptions};

/// The options, for `--help` and usage errors.
pub const USAGE: &str = "usage: meshauth-issuer [--host 127.0.0.1] [--port 0] [--issuer URL] [--clients FILE] \
[--token-ttl-s 300] [--dev-endpoints] [--insecure-expose]
  a development OAuth server (not for production): its built-in clients' secrets are public
  --dev-endpoints    serve POST /dev/mint (signs any claims) and POST /dev/rotate
  --insecure-expose  allow a non-loopback --host and any Host header";

/// What the arguments ask for.
#[derive(Debug)]
pub enum Parsed {
    Run(IssuerOptions),
    Help,
}

/// Parse the arguments (without the program name). `Err` is a usage error, its text ends with
/// [`USAGE`].
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Parsed, String> {
    let mut options = IssuerOptions::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        if name == "-h" || name == "--help" {
            return Ok(Parsed::Help);
        }
        match name.as_str() {
            "--dev-endpoints" | "--insecure-expose" if inline.is_some() => {
                return Err(format!("{name} takes no value\n{USAGE}"))
            }
            "--dev-endpoints" => {
                options.dev_endpoints = true;
                continue;
            }
            "--insecure-expose" => {
                options.insecure_expose = true;
                continue;
            }
            _ => {}
        }
        let mut value =
            || inline.clone().or_else(|| args.next()).ok_or_else(|| format!("{name} needs a value\n{USAGE}"));
        match name.as_str() {
            "--host" => options.host = value()?,
            "--port" => options.port = value()?.parse().map_err(|_| "--port must be a number 0-65535".to_owned())?,
            "--issuer" => options.issuer = Some(value()?),
            "--clients" => options.clients = ClientRegistry::from_file(std::path::Path::new(&value()?))?,
            "--token-ttl-s" => {
                options.token_ttl_s = value()?.parse().map_err(|_| "--token-ttl-s must be a number".to_owned())?
            }
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    Ok(Parsed::Run(options))
}

/// Run the issuer from command-line arguments until the process is killed, and return the exit
/// status: 2 for a usage error, 1 when it cannot start. `program` names it in diagnostics (stderr).
/// Once it listens, it prints `meshauth-issuer listening on URL` on stdout.
pub fn run(program: &str, args: impl IntoIterator<Item = String>) -> u8 {
    run_announcing(program, args, |issuer| format!("meshauth-issuer listening on {}", issuer.url()))
}

/// [`run`], with the one stdout line written by `announce` (`meshauth --json issuer` prints JSON).
pub fn run_announcing(
    program: &str,
    args: impl IntoIterator<Item = String>,
    announce: impl FnOnce(&crate::RunningIssuer) -> String,
) -> u8 {
    let options = match parse(args) {
        Ok(Parsed::Run(o)) => o,
        Ok(Parsed::Help) => {
            println!("{USAGE}");
            return 0;
        }
        Err(e) => {
            eprintln!("{program}: {e}");
            return 2;
        }
    };
    if options.insecure_expose {
        eprintln!(
            "{program}: warning: --insecure-expose: any host may reach this development server, whose clients' \
             secrets are public"
        );
    }
    let issuer = match Issuer::start(options) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("{program}: {e}");
            return 1;
        }
    };
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{}", announce(&issuer));
    let _ = stdout.flush();
    drop(stdout);
    eprintln!("{program}: issuer {}", issuer.issuer());
    issuer.wait();
    0
}
