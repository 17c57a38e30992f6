//! `meshauth-issuer [--host 127.0.0.1] [--port 0] [--issuer URL] [--clients FILE] [--token-ttl-s 300]
//! [--dev-endpoints] [--insecure-expose]`
//!
//! A development tool, not a production server. Loopback only unless `--insecure-expose`; the
//! `/dev/mint` and `/dev/rotate` endpoints only with `--dev-endpoints`.
//!
//! Prints exactly one line to stdout once it listens — `meshauth-issuer listening on
//! http://127.0.0.1:PORT` (the real port, also with `--port 0`) — then serves until killed.
//! The arguments are parsed by [`meshauth_issuer::command_line`], which `meshauth issuer` shares.

use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(meshauth_issuer::command_line::run("meshauth-issuer", std::env::args().skip(1)))
}
