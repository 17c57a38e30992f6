//! Fuzz target `token_response` (see `meshauth_fuzz::targets::token_response`). Under AFL++ with `--cfg fuzzing`, or
//! replaying the files named on the command line.

fn main() {
    meshauth_fuzz::afl::main(meshauth_fuzz::targets::token_response);
}
