"""The exception hierarchy: every core code maps to a class; every class behaves."""

from __future__ import annotations

import pytest

import meshauth
from meshauth import errors

INVALID_TOKEN_CODES = {
    "token_too_large",
    "malformed_token",
    "unsupported_token",
    "algorithm_not_allowed",
    "key_not_found",
    "invalid_signature",
    "invalid_claim",
    "missing_claim",
    "invalid_issuer",
    "invalid_audience",
    "invalid_token_type",
}

EXPECTED_CLASS = {
    "no_credentials": meshauth.NoCredentials,
    "invalid_request": meshauth.InvalidRequest,
    **{code: meshauth.InvalidToken for code in INVALID_TOKEN_CODES},
    "token_expired": meshauth.ExpiredToken,
    "token_not_yet_valid": meshauth.TokenNotYetValid,
    "insufficient_scope": meshauth.InsufficientScope,
    "caller_not_allowed": meshauth.CallerNotAllowed,
    "key_source_unavailable": meshauth.KeySourceUnavailable,
    "token_endpoint_error": meshauth.TokenEndpointError,
    "invalid_config": meshauth.ConfigError,
}

# docs/errors.md: the HTTP status and RFC 6750 challenge of each code.
STATUS = {
    "no_credentials": 401,
    "invalid_request": 400,
    **{code: 401 for code in INVALID_TOKEN_CODES | {"token_expired", "token_not_yet_valid"}},
    "insufficient_scope": 403,
    "caller_not_allowed": 403,
    "key_source_unavailable": 503,
    "token_endpoint_error": None,
    "invalid_config": None,
}


def test_every_core_code_maps_to_a_class():
    codes = meshauth.error_codes()
    assert len(codes) == len(set(codes)) == 20
    for code in codes:
        assert code in meshauth.ERRORS, f"no Python class for core code {code!r}"
        assert issubclass(meshauth.ERRORS[code], meshauth.MeshAuthError)
    assert set(meshauth.ERRORS) == set(codes)


@pytest.mark.parametrize("code", sorted(EXPECTED_CLASS))
def test_class_status_and_challenge_of_each_code(code):
    assert code in meshauth.error_codes()
    e = meshauth.error_for_code(code, "details")
    assert type(e) is EXPECTED_CLASS[code]
    assert isinstance(e, meshauth.MeshAuthError) and isinstance(e, ValueError)
    assert e.code == code
    assert e.message == "details"
    assert str(e) == f"{code}: details"
    assert e.status == STATUS[code]
    assert e.oauth_error is None
    if code == "no_credentials":
        assert e.www_authenticate == "Bearer"
    elif code in ("invalid_request", "insufficient_scope") or code in INVALID_TOKEN_CODES | {
        "token_expired",
        "token_not_yet_valid",
    }:
        bearer_error = {"invalid_request": "invalid_request", "insufficient_scope": "insufficient_scope"}.get(
            code, "invalid_token"
        )
        assert e.www_authenticate is not None
        assert e.www_authenticate.startswith(f'Bearer error="{bearer_error}", error_description="')
    else:
        assert e.www_authenticate is None
    with pytest.raises(EXPECTED_CLASS[code]):
        raise e


def test_hierarchy():
    assert issubclass(meshauth.MeshAuthError, ValueError)
    assert issubclass(meshauth.ExpiredToken, meshauth.InvalidToken)
    assert issubclass(meshauth.TokenNotYetValid, meshauth.InvalidToken)
    for cls in (
        meshauth.NoCredentials,
        meshauth.InvalidRequest,
        meshauth.InvalidToken,
        meshauth.InsufficientScope,
        meshauth.CallerNotAllowed,
        meshauth.KeySourceUnavailable,
        meshauth.TokenEndpointError,
        meshauth.ConfigError,
    ):
        assert cls.__bases__ == (meshauth.MeshAuthError,)
    assert set(errors.__all__) <= set(dir(meshauth))


def test_default_message_and_required_scopes():
    e = meshauth.error_for_code("insufficient_scope", required_scopes=["a", "b"])
    assert e.message == "the token lacks a required scope"
    assert e.www_authenticate == (
        'Bearer error="insufficient_scope", error_description="the token lacks a required scope", scope="a b"'
    )


def test_unknown_code():
    with pytest.raises(ValueError):
        meshauth.error_for_code("no_such_code")


def test_python_built_error():
    e = meshauth.TokenEndpointError("refused", code="token_endpoint_error", oauth_error="invalid_client")
    assert e.oauth_error == "invalid_client" and e.status is None
    assert repr(e) == "TokenEndpointError(code='token_endpoint_error', message='refused', status=None)"
