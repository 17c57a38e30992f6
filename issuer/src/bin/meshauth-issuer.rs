//! `meshauth-issuer [--host 127.0.0.1] [--port 0] [--issuer URL] [--clients FILE] [--token-ttl-s 300]
//! [--dev-endpoints] [--insecure-expose]`
//!
//! A development tool, not a production server. Loopback only unless `--insecure-expose`; the
//! `/dev/mint` and `/dev/rotate` endpoints only with `--dev-endpoints`.
//!
//! Prints exactly one line to stdout once it listens — `meshauth-issuer listening on
//! http://127.0.0.1:PORT` (the real port, also with `--port 0`) — then serves until killed.

use std::io::Write;
use std::process::ExitCode;

use meshauth_issuer::{ClientRegistry, Issuer, IssuerOptions};

const USAGE: &str = "usage: meshauth-issuer [--host 127.0.0.1] [--port 0] [--issuer URL] [--clients FILE] \
[--token-ttl-s 300] [--dev-endpoints] [--insecure-expose]
  a development OAuth server (not for production): its built-in clients' secrets are public
  --dev-endpoints    serve POST /dev/mint (signs any claims) and POST /dev/rotate
  --insecure-expose  allow a non-loopback --host and any Host header";

fn parse_args() -> Result<IssuerOptions, String> {
    let mut options = IssuerOptions::default();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        if name == "-h" || name == "--help" {
            println!("{USAGE}");
            std::process::exit(0);
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
    Ok(options)
}

fn main() -> ExitCode {
    let options = match parse_args() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("meshauth-issuer: {e}");
            return ExitCode::from(2);
        }
    };
    if options.insecure_expose {
        eprintln!(
            "meshauth-issuer: warning: --insecure-expose: any host may reach this development server, whose \
             clients' secrets are public"
        );
    }
    let issuer = match Issuer::start(options) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("meshauth-issuer: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "meshauth-issuer listening on {}", issuer.url());
    let _ = stdout.flush();
    drop(stdout);
    eprintln!("meshauth-issuer: issuer {}", issuer.issuer());
    issuer.wait();
    ExitCode::SUCCESS
}
