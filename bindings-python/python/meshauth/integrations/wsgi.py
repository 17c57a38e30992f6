"""WSGI middleware: authenticate every request before the app sees it.

::

    from meshauth.integrations.wsgi import MeshAuthMiddleware

    app.wsgi_app = MeshAuthMiddleware(app.wsgi_app, validator, exclude_paths={"/health"})

On success the Principal is in ``environ["meshauth.principal"]``. On failure the app is not
called: the answer has the catalogue status, ``WWW-Authenticate`` and the JSON body
``{"error": code, "error_description": <the catalogue's fixed description>}``.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any, Callable, Collection, Iterable, List, Mapping, Tuple

from ..errors import MeshAuthError
from ..validator import Validator
from . import error_response

__all__ = ["MeshAuthMiddleware", "ENVIRON_KEY", "environ_headers"]

ENVIRON_KEY = "meshauth.principal"

StartResponse = Callable[..., Any]
WSGIApp = Callable[[Mapping[str, Any], StartResponse], Iterable[bytes]]


def environ_headers(environ: Mapping[str, Any]) -> List[Tuple[str, str]]:
    """The request headers of a WSGI environ as (name, value) pairs (``HTTP_X_Y`` → ``X-Y``)."""
    headers = []
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            headers.append((key[5:].replace("_", "-"), value))
    return headers


class MeshAuthMiddleware:
    """Authenticates requests with ``validator`` (see the module docs).

    ``optional=True`` lets a request without credentials through with ``principal = None``.
    """

    def __init__(
        self,
        app: WSGIApp,
        validator: Validator,
        *,
        exclude_paths: Collection[str] = (),
        optional: bool = False,
    ) -> None:
        self.app = app
        self.validator = validator
        self.exclude_paths = frozenset(exclude_paths)
        self.optional = optional

    def __call__(self, environ: Any, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") in self.exclude_paths:
            return self.app(environ, start_response)
        try:
            environ[ENVIRON_KEY] = self.validator.authenticate(environ_headers(environ))
        except MeshAuthError as error:
            if not (self.optional and error.code == "no_credentials"):
                return _answer(error, start_response)
            environ[ENVIRON_KEY] = None
        return self.app(environ, start_response)


def _answer(error: MeshAuthError, start_response: StartResponse) -> Iterable[bytes]:
    status, headers, body = error_response(error)
    headers.append(("content-length", str(len(body))))
    start_response(f"{status} {HTTPStatus(status).phrase}", headers)
    return [body]
