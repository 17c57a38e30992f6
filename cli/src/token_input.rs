//! Where a token comes from: the argument, or stdin when the argument is `-` or missing, so that
//! it stays out of the shell history.

use std::io::{IsTerminal, Read};

use crate::exit_code;
use crate::Failure;

/// The largest token read from stdin (the validator's own cap is 16 KiB by default; this only
/// bounds memory, the validator still applies `max_token_bytes`).
const MAX_STDIN_BYTES: u64 = 1024 * 1024;

/// The token text, trimmed of surrounding whitespace and an optional `Bearer ` prefix.
pub fn read(arg: Option<&str>, what: &str) -> Result<String, Failure> {
    let text =
        match arg {
            Some(t) if t != "-" => t.to_owned(),
            _ => {
                let stdin = std::io::stdin();
                if stdin.is_terminal() {
                    eprintln!("reading the {what} from stdin (paste it, then Ctrl-D)");
                }
                let mut buf = String::new();
                stdin.lock().take(MAX_STDIN_BYTES).read_to_string(&mut buf).map_err(|e| {
                    Failure::new(exit_code::CANNOT_RUN, format!("cannot read the {what} from stdin: {e}"))
                })?;
                buf
            }
        };
    let text = text.trim();
    let text = text.strip_prefix("Bearer ").map(str::trim).unwrap_or(text);
    if text.is_empty() {
        return Err(Failure::new(
            exit_code::UNREADABLE_TOKEN,
            format!("no {what}: pass it as an argument, or on stdin"),
        ));
    }
    Ok(text.to_owned())
}
