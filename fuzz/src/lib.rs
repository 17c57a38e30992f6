//! meshauth's fuzz targets: one function per attacker-facing parser, each checking, beyond "no
//! panic, no hang", an invariant a user relies on. `src/bin/<target>.rs` runs one under AFL++ or
//! replays inputs (`afl.rs`); `seeds.rs` builds each target's seed corpus from `testdata/`.

pub mod afl;
pub mod differential;
pub mod seeds;
pub mod targets;

/// A fuzz target: arbitrary bytes in, a panic on any finding.
pub type Target = fn(&[u8]);

/// Every target, by name: the binaries, `make fuzz` and the replay test use this list.
pub const TARGETS: [(&str, Target); 8] = [
    ("validate", targets::validate),
    ("strict_json", targets::strict_json),
    ("jwks", targets::jwks),
    ("request", targets::request),
    ("discovery", targets::discovery),
    ("token_response", targets::token_response),
    ("pem", targets::pem),
    ("differential", differential::target),
];

/// The target called `name`.
pub fn target(name: &str) -> Target {
    TARGETS.iter().find(|(n, _)| *n == name).unwrap_or_else(|| panic!("unknown fuzz target {name}")).1
}
