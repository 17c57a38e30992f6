"""Framework integrations. Each submodule imports its framework only when used:

- :mod:`meshauth.integrations.asgi` — ASGI middleware (Starlette, FastAPI, any ASGI app);
- :mod:`meshauth.integrations.fastapi` — the ``require_principal`` dependency;
- :mod:`meshauth.integrations.wsgi` — WSGI middleware (any WSGI app);
- :mod:`meshauth.integrations.flask` — the ``require_auth`` view decorator.

Every failure answers with the catalogue's HTTP status, its ``WWW-Authenticate`` header and the
JSON body ``{"error": code, "error_description": description}`` (:func:`error_response`), where the
description is the catalogue's fixed text for the code. The error's ``message`` — the operator's
detail, which may name an internal URL (without its query or userinfo) or quote the authorization
server — is never sent to the caller: it is logged on the ``meshauth`` logger (DEBUG).
"""

from __future__ import annotations

import json
import logging
from typing import Dict, List, Tuple

from .._meshauth import error_for_code
from ..errors import MeshAuthError

__all__ = ["error_response", "error_body"]

_log = logging.getLogger("meshauth")


_descriptions: Dict[str, str] = {}


def _description(code: str) -> str:
    """The catalogue's fixed description of ``code`` (the default message of a fresh error)."""
    found = _descriptions.get(code)
    if found is None:
        try:
            found = error_for_code(code).message
        except Exception:  # an unknown code: say nothing specific
            found = "authentication failed"
        _descriptions[code] = found
    return found


def error_body(error: MeshAuthError) -> Dict[str, str]:
    """``{"error": code, "error_description": <the catalogue's fixed description>}``; the error's
    message (operator detail) goes to the ``meshauth`` logger, never to the caller."""
    _log.debug("meshauth: %s: %s", error.code, error.message)
    return {"error": error.code, "error_description": _description(error.code)}


def error_response(error: MeshAuthError) -> Tuple[int, List[Tuple[str, str]], bytes]:
    """``(status, headers, body)`` of the HTTP answer to ``error``.

    The status and ``WWW-Authenticate`` value are the core's; codes without an HTTP status
    (configuration, token-endpoint failures) answer 500. The answer is never cached
    (``Cache-Control: no-store``).
    """
    status = error.status if error.status is not None else 500
    headers = [("content-type", "application/json"), ("cache-control", "no-store")]
    if error.www_authenticate is not None:
        headers.append(("www-authenticate", error.www_authenticate))
    body = json.dumps(error_body(error)).encode()
    return status, headers, body
