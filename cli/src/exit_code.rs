//! Exit codes: one per category of outcome, stable and documented (`docs/cli.md`).
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success (inspect: the token decoded) |
//! | 1 | the command could not run: a file or stdin could not be read, the issuer could not start |
//! | 2 | usage error (unknown option, missing argument) |
//! | 3 | `invalid_config`: the configuration or the options are refused |
//! | 4 | the token is unreadable: `no_credentials`, `invalid_request`, `token_too_large`, `malformed_token`, `unsupported_token` |
//! | 5 | the signature is not trusted: `algorithm_not_allowed`, `key_not_found`, `invalid_signature` |
//! | 6 | a claim is refused: `invalid_claim`, `missing_claim`, `token_expired`, `token_not_yet_valid`, `invalid_issuer`, `invalid_audience`, `invalid_token_type` |
//! | 7 | the caller is not authorised (HTTP 403): `insufficient_scope`, `caller_not_allowed` |
//! | 8 | `key_source_unavailable`: the issuer's keys could not be fetched |
//! | 9 | `token_endpoint_error`: the authorization server refused or failed |

use meshauth::ErrorCode;

pub const OK: u8 = 0;
pub const CANNOT_RUN: u8 = 1;
pub const USAGE: u8 = 2;
pub const INVALID_CONFIG: u8 = 3;
pub const UNREADABLE_TOKEN: u8 = 4;
pub const UNTRUSTED_SIGNATURE: u8 = 5;
pub const CLAIM_REFUSED: u8 = 6;
pub const NOT_AUTHORISED: u8 = 7;
pub const KEYS_UNAVAILABLE: u8 = 8;
pub const TOKEN_ENDPOINT: u8 = 9;

/// The exit code of a failure with this catalogue code.
pub fn for_code(code: ErrorCode) -> u8 {
    use ErrorCode::*;
    match code {
        InvalidConfig => INVALID_CONFIG,
        NoCredentials | InvalidRequest | TokenTooLarge | MalformedToken | UnsupportedToken => UNREADABLE_TOKEN,
        AlgorithmNotAllowed | KeyNotFound | InvalidSignature => UNTRUSTED_SIGNATURE,
        InvalidClaim | MissingClaim | TokenExpired | TokenNotYetValid | InvalidIssuer | InvalidAudience
        | InvalidTokenType => CLAIM_REFUSED,
        InsufficientScope | CallerNotAllowed => NOT_AUTHORISED,
        KeySourceUnavailable => KEYS_UNAVAILABLE,
        TokenEndpointError => TOKEN_ENDPOINT,
        // A code added to the catalogue later: a failure, never success.
        _ => CANNOT_RUN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_category_other_than_success_and_usage() {
        for code in ErrorCode::all() {
            let exit = for_code(code);
            assert!((INVALID_CONFIG..=TOKEN_ENDPOINT).contains(&exit), "{code} -> {exit}");
        }
    }
}
