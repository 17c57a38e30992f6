"""meshauth — strict validation of JWT access tokens for services.

One Rust core holds every decision; this package is its Python binding::

    import meshauth

    validator = meshauth.Validator(issuer="https://issuer.example", audience="orders", discovery=True)
    principal = validator.authenticate(request_headers)
    principal.subject, principal.scopes, principal.claims
"""

from __future__ import annotations

from ._meshauth import AccessToken, Principal, __version__, error_codes, error_for_code
from .errors import (
    ERRORS,
    CallerNotAllowed,
    ConfigError,
    ExpiredToken,
    InsufficientScope,
    InvalidRequest,
    InvalidToken,
    KeySourceUnavailable,
    MeshAuthError,
    NoCredentials,
    TokenEndpointError,
    TokenNotYetValid,
)
from .token_client import TokenClient
from .validator import Validator

__all__ = [
    "Validator",
    "Principal",
    "TokenClient",
    "AccessToken",
    "error_codes",
    "error_for_code",
    "ERRORS",
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
    "__version__",
]
