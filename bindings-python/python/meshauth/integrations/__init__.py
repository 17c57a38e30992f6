"""Framework integrations. Each submodule imports its framework only when used:

- :mod:`meshauth.integrations.asgi` — ASGI middleware (Starlette, FastAPI, any ASGI app);
- :mod:`meshauth.integrations.fastapi` — the ``require_principal`` dependency;
- :mod:`meshauth.integrations.wsgi` — WSGI middleware (any WSGI app);
- :mod:`meshauth.integrations.flask` — the ``require_auth`` view decorator.

Every failure answers with the catalogue's HTTP status, its ``WWW-Authenticate`` header and the
JSON body ``{"error": code, "error_description": message}`` (:func:`error_response`).
"""

from __future__ import annotations

import json
from typing import List, Tuple

from ..errors import MeshAuthError

__all__ = ["error_response"]


def error_response(error: MeshAuthError) -> Tuple[int, List[Tuple[str, str]], bytes]:
    """``(status, headers, body)`` of the HTTP answer to ``error``.

    The status and ``WWW-Authenticate`` value are the core's; codes without an HTTP status
    (configuration, token-endpoint failures) answer 500.
    """
    status = error.status if error.status is not None else 500
    headers = [("content-type", "application/json")]
    if error.www_authenticate is not None:
        headers.append(("www-authenticate", error.www_authenticate))
    body = json.dumps({"error": error.code, "error_description": error.message}).encode()
    return status, headers, body
