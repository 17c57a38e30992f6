//! Fuzz target `pem` (see `meshauth_fuzz::targets::pem`). Under AFL++ with `--cfg fuzzing`, or
//! replaying the files named on the command line.

fn main() {
    meshauth_fuzz::afl::main(meshauth_fuzz::targets::pem);
}
