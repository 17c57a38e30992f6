//! `meshauth-corpus`: writes the conformance corpus (`testdata/corpus.json`, `testdata/keys/`).
//!
//! ```text
//! meshauth-corpus --out testdata            # (re)generate; keys are created once, then reused
//! meshauth-corpus --out testdata --check    # exit 1 with a summary if regeneration would change anything
//! ```
//!
//! Expected outcomes are written from the specification (docs/, testdata/README.md), never by
//! running the core. Regeneration is byte-stable: RSA PKCS#1 v1.5, Ed25519 and HMAC signatures are
//! deterministic, and randomised signatures (PS*, ES*) are reused from the existing corpus when
//! their signing input is unchanged and they still verify.

mod case;
mod cases_algorithms;
mod cases_claims;
mod cases_config;
mod cases_format;
mod cases_hardening;
mod cases_policy;
mod cases_request;
mod context;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde::Serialize;
use serde_json::Value;

use crate::case::Case;
use crate::context::{Ctx, Signer};

#[derive(Serialize)]
struct Corpus<'a> {
    format: u32,
    cases: &'a [Case],
}

struct Args {
    out: PathBuf,
    check: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut out = None;
    let mut check = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" => out = Some(PathBuf::from(args.next().ok_or("--out needs a directory")?)),
            "--check" => check = true,
            "-h" | "--help" => {
                println!("usage: meshauth-corpus --out DIR [--check]");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other:?} (usage: meshauth-corpus --out DIR [--check])")),
        }
    }
    Ok(Args { out: out.unwrap_or_else(|| PathBuf::from("testdata")), check })
}

/// Build every case; returns the corpus text.
fn generate(ctx: &mut Ctx) -> String {
    cases_algorithms::add(ctx);
    cases_format::add(ctx);
    cases_claims::add(ctx);
    cases_policy::add(ctx);
    cases_request::add(ctx);
    cases_config::add(ctx);
    cases_hardening::add(ctx);
    let corpus = Corpus { format: 1, cases: &ctx.cases };
    let mut text = serde_json::to_string_pretty(&corpus).expect("the corpus serialises");
    text.push('\n');
    text
}

/// A short summary of what differs between two corpus texts, by case name.
fn diff_summary(old: &str, new: &str) -> String {
    fn by_name(text: &str) -> BTreeMap<String, Value> {
        let v: Value = serde_json::from_str(text).unwrap_or(Value::Null);
        v.get("cases")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|c| Some((c.get("name")?.as_str()?.to_owned(), c.clone())))
            .collect()
    }
    let (old, new) = (by_name(old), by_name(new));
    let mut lines = Vec::new();
    for name in new.keys().filter(|n| !old.contains_key(*n)) {
        lines.push(format!("  + {name}"));
    }
    for name in old.keys().filter(|n| !new.contains_key(*n)) {
        lines.push(format!("  - {name}"));
    }
    for (name, case) in &new {
        if let Some(before) = old.get(name) {
            if before != case {
                let fields: Vec<&str> = ["config", "token", "request", "expect", "now", "description"]
                    .into_iter()
                    .filter(|f| before.get(f) != case.get(f))
                    .collect();
                lines.push(format!("  ~ {name} ({})", fields.join(", ")));
            }
        }
    }
    if lines.is_empty() {
        lines.push("  (formatting or case order only)".to_owned());
    }
    let total = lines.len();
    if total > 30 {
        lines.truncate(30);
        lines.push(format!("  … and {} more", total - 30));
    }
    lines.join("\n")
}

fn run(args: &Args) -> Result<bool, String> {
    let corpus_path = args.out.join("corpus.json");
    let keys_dir = args.out.join("keys");
    let previous = std::fs::read_to_string(&corpus_path).ok();
    let previous_value: Option<Value> = previous.as_deref().and_then(|t| serde_json::from_str(t).ok());
    let (keys, created) = context::load_keys(&keys_dir, !args.check)?;
    let mut ctx = Ctx { keys, signer: Signer::new(previous_value.as_ref()), cases: Vec::new() };
    let text = generate(&mut ctx);
    let count = ctx.cases.len();

    if args.check {
        return match previous {
            Some(old) if old == text => {
                println!("corpus-check: {} is up to date ({count} cases)", corpus_path.display());
                Ok(true)
            }
            Some(old) => {
                eprintln!("corpus-check: {} would change:\n{}", corpus_path.display(), diff_summary(&old, &text));
                eprintln!("run `make corpus` and commit testdata/");
                Ok(false)
            }
            None => {
                eprintln!("corpus-check: {} is missing (run `make corpus`)", corpus_path.display());
                Ok(false)
            }
        };
    }

    if !created.is_empty() {
        std::fs::create_dir_all(&keys_dir).map_err(|e| format!("{}: {e}", keys_dir.display()))?;
        for (file, pem) in &created {
            write(&keys_dir.join(file), pem)?;
        }
    }
    if previous.as_deref() != Some(text.as_str()) {
        write(&corpus_path, &text)?;
        println!("wrote {} ({count} cases)", corpus_path.display());
    } else {
        println!("{} unchanged ({count} cases)", corpus_path.display());
    }
    Ok(true)
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn main() -> ExitCode {
    let result = parse_args().and_then(|args| run(&args));
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("meshauth-corpus: {e}");
            ExitCode::from(2)
        }
    }
}
