//! `meshauth-issuer [--host 127.0.0.1] [--port 0] [--issuer URL] [--clients FILE] [--token-ttl-s 300]`
//!
//! Prints exactly one line to stdout once it listens — `meshauth-issuer listening on
//! http://127.0.0.1:PORT` (the real port, also with `--port 0`) — then serves until killed.

use std::io::Write;
use std::process::ExitCode;

use meshauth_issuer::{ClientRegistry, Issuer, IssuerOptions};

const USAGE: &str =
    "usage: meshauth-issuer [--host 127.0.0.1] [--port 0] [--issuer URL] [--clients FILE] [--token-ttl-s 300]";

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
    let loopback = matches!(options.host.as_str(), "localhost" | "::1") || options.host.starts_with("127.");
    if !loopback {
        eprintln!("meshauth-issuer: warning: listening on non-loopback {}; this is a development server", options.host);
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
