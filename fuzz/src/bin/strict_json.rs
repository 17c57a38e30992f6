//! Fuzz target `strict_json` (see `meshauth_fuzz::targets::strict_json`). Under AFL++ with `--cfg fuzzing`, or
//! replaying the files named on the command line.

fn main() {
    meshauth_fuzz::afl::main(meshauth_fuzz::targets::strict_json);
}
