"""The meshauth exception hierarchy (docs/errors.md).

Every failure is a :class:`MeshAuthError` (a :class:`ValueError`) carrying the core's stable
``code``, the HTTP ``status`` a resource server answers with, the exact ``WWW-Authenticate`` value
to send, and, for ``token_endpoint_error``, the authorization server's OAuth ``error``. Those values
come from the core's catalogue; this module only chooses the Python class for each code.

::

    MeshAuthError (ValueError)
    ├── NoCredentials           no_credentials
    ├── InvalidRequest          invalid_request
    ├── InvalidToken            token_too_large, malformed_token, unsupported_token,
    │   │                       algorithm_not_allowed, key_not_found, invalid_signature,
    │   │                       invalid_claim, missing_claim, invalid_issuer, invalid_audience,
    │   │                       invalid_token_type
    │   ├── ExpiredToken        token_expired
    │   └── TokenNotYetValid    token_not_yet_valid
    ├── InsufficientScope       insufficient_scope
    ├── CallerNotAllowed        caller_not_allowed
    ├── KeySourceUnavailable    key_source_unavailable
    ├── TokenEndpointError      token_endpoint_error
    └── ConfigError             invalid_config

``except meshauth.InvalidToken`` catches every "the token is bad" failure (HTTP 401
``invalid_token``); ``except meshauth.MeshAuthError`` catches everything.
"""

from __future__ import annotations

from typing import Dict, Optional, Type

__all__ = [
    "MeshAuthError",
    "NoCredentials",
    "InvalidRequest",
    "InvalidToken",
    "ExpiredToken",
    "TokenNotYetValid",
    "InsufficientScope",
    "CallerNotAllowed",
    "KeySourceUnavailable",
    "TokenEndpointError",
    "ConfigError",
    "ERRORS",
]


class MeshAuthError(ValueError):
    """Base of every meshauth failure.

    Attributes:
        code: the stable snake_case code (e.g. ``"token_expired"``).
        message: human-readable text; never contains the token or secrets.
        status: the HTTP status to answer with, or ``None`` (client-side / configuration codes).
        www_authenticate: the exact ``WWW-Authenticate`` header value, or ``None``.
        oauth_error: for ``token_endpoint_error``, the OAuth ``error`` the server answered.
    """

    code: str
    message: str
    status: Optional[int]
    www_authenticate: Optional[str]
    oauth_error: Optional[str]

    def __init__(
        self,
        message: str,
        *,
        code: str,
        status: Optional[int] = None,
        www_authenticate: Optional[str] = None,
        oauth_error: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.www_authenticate = www_authenticate
        self.oauth_error = oauth_error

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r}, status={self.status!r})"

    def __reduce__(self):  # type: ignore[no-untyped-def]
        # Keyword-only fields survive pickling (multiprocessing, concurrent.futures).
        return (_rebuild, (type(self), self.message, self.code, self.status, self.www_authenticate, self.oauth_error))


def _rebuild(
    cls: Type[MeshAuthError],
    message: str,
    code: str,
    status: Optional[int],
    www_authenticate: Optional[str],
    oauth_error: Optional[str],
) -> MeshAuthError:
    return cls(message, code=code, status=status, www_authenticate=www_authenticate, oauth_error=oauth_error)


class NoCredentials(MeshAuthError):
    """No token in the request (401, ``WWW-Authenticate: Bearer``)."""


class InvalidRequest(MeshAuthError):
    """Malformed or ambiguous credentials in the request (400 ``invalid_request``)."""


class InvalidToken(MeshAuthError):
    """The token was refused (401 ``invalid_token``): size, format, algorithm, key, signature or
    claims."""


class ExpiredToken(InvalidToken):
    """``exp`` has passed, beyond the leeway (``token_expired``)."""


class TokenNotYetValid(InvalidToken):
    """``nbf`` (or ``iat`` under a max-age policy) is in the future (``token_not_yet_valid``)."""


class InsufficientScope(MeshAuthError):
    """A required scope is missing (403 ``insufficient_scope``)."""


class CallerNotAllowed(MeshAuthError):
    """The calling client id is not in ``allowed_clients`` (403)."""


class KeySourceUnavailable(MeshAuthError):
    """The issuer's keys could not be fetched and none are cached (503)."""


class TokenEndpointError(MeshAuthError):
    """The authorization server refused a token request or answered garbage; ``oauth_error``
    carries its OAuth ``error``."""


class ConfigError(MeshAuthError):
    """Invalid or insecure configuration, refused when the validator is built (``invalid_config``)."""


#: The class raised for each core error code. The binding's tests assert that every code of the
#: core's catalogue (``meshauth.error_codes()``) is here.
ERRORS: Dict[str, Type[MeshAuthError]] = {
    "no_credentials": NoCredentials,
    "invalid_request": InvalidRequest,
    "token_too_large": InvalidToken,
    "malformed_token": InvalidToken,
    "unsupported_token": InvalidToken,
    "algorithm_not_allowed": InvalidToken,
    "key_not_found": InvalidToken,
    "invalid_signature": InvalidToken,
    "invalid_claim": InvalidToken,
    "missing_claim": InvalidToken,
    "token_expired": ExpiredToken,
    "token_not_yet_valid": TokenNotYetValid,
    "invalid_issuer": InvalidToken,
    "invalid_audience": InvalidToken,
    "invalid_token_type": InvalidToken,
    "insufficient_scope": InsufficientScope,
    "caller_not_allowed": CallerNotAllowed,
    "key_source_unavailable": KeySourceUnavailable,
    "token_endpoint_error": TokenEndpointError,
    "invalid_config": ConfigError,
}
