"""Flask: the ``require_auth`` view decorator (imports Flask; install ``meshauth[flask]``).

::

    from flask import Flask, g
    from meshauth.integrations.flask import require_auth

    app = Flask(__name__)

    @app.get("/orders")
    @require_auth(validator, scopes=["orders:read"])
    def orders():
        return {"caller": g.principal.subject}

    @app.post("/orders")
    @require_auth(validator, scopes=["orders:write"], clients=["checkout", "admin-ui"])
    def create():
        ...

The Principal is in ``flask.g.principal``. If the WSGI middleware already authenticated the
request (``environ["meshauth.principal"]``), that Principal is used. Failures answer with the
catalogue status, ``WWW-Authenticate`` and ``{"error": code, "error_description": <the catalogue's fixed description>}``.
A :class:`MeshAuthError` raised in a decorated view (``g.principal.require_scopes([...])``) answers
the same way; :func:`install_error_handler` extends that to every view.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Optional, Sequence, TypeVar

from flask import Flask, Response, g, request

from .._meshauth import Principal, error_for_code
from ..errors import MeshAuthError
from ..validator import Validator
from . import error_response
from .wsgi import ENVIRON_KEY

__all__ = ["require_auth", "error_to_response", "install_error_handler"]

F = TypeVar("F", bound=Callable[..., Any])


def error_to_response(error: MeshAuthError) -> Response:
    """The Flask response for a meshauth failure."""
    status, headers, body = error_response(error)
    return Response(body, status=status, headers=headers)


def install_error_handler(app: Flask) -> None:
    """Answer a :class:`MeshAuthError` raised in any view (decorated or not) with the catalogue
    answer instead of a 500."""
    app.register_error_handler(MeshAuthError, error_to_response)


def require_auth(
    validator: Optional[Validator] = None,
    *,
    scopes: Sequence[str] = (),
    clients: Optional[Sequence[str]] = None,
) -> Callable[[F], F]:
    """Decorate a view: authenticate the request, check ``scopes`` and, with ``clients``, that the
    calling client is one of them (``caller_not_allowed``, the validator's ``allowed_clients``
    decision), set ``g.principal``. A :class:`MeshAuthError` the view raises gets the catalogue
    answer too."""
    required = list(scopes)
    allowed = None if clients is None else list(clients)

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                principal: Optional[Principal] = request.environ.get(ENVIRON_KEY)
                if principal is None:
                    if validator is None:
                        raise error_for_code("no_credentials")
                    principal = validator.authenticate(list(request.headers.items()))
                if allowed is not None:
                    principal.require_clients(allowed)
                principal.require_scopes(required)
            except MeshAuthError as error:
                return error_to_response(error)
            g.principal = principal
            try:
                return view(*args, **kwargs)
            except MeshAuthError as error:
                return error_to_response(error)

        return wrapper  # type: ignore[return-value]

    return decorate
