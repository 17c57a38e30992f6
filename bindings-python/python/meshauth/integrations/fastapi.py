"""FastAPI: the ``require_principal`` dependency (imports FastAPI; install ``meshauth[fastapi]``).

::

    from fastapi import Depends, FastAPI
    from meshauth import Principal
    from meshauth.integrations.asgi import MeshAuthMiddleware
    from meshauth.integrations.fastapi import install_error_handler, require_principal

    app = FastAPI()
    app.add_middleware(MeshAuthMiddleware, validator=validator)
    install_error_handler(app)   # optional: same JSON body as the middleware

    @app.get("/orders")
    def orders(principal: Principal = Depends(require_principal(scopes=["orders:read"]))):
        ...

    @app.post("/orders")
    def create(principal: Principal = Depends(
            require_principal(scopes=["orders:write"], clients=["checkout", "admin-ui"]))):
        ...

The dependency returns the Principal the middleware stored in ``request.state.principal``; without
the middleware, pass ``validator=`` and it authenticates the request itself. Failures raise
:class:`MeshAuthHTTPException` (a FastAPI ``HTTPException``) with the catalogue status and
``WWW-Authenticate``; a missing scope is the core's ``insufficient_scope`` challenge with the
``scope`` attribute, a caller not in ``clients`` is ``caller_not_allowed`` (403; the core's
``Principal.require_clients``, the same decision as the validator's ``allowed_clients``). FastAPI
renders it as ``{"detail": {"error", "error_description"}}``; after :func:`install_error_handler`
the body is ``{"error", "error_description"}`` exactly as the middleware answers.

A :class:`MeshAuthError` raised in a handler (``raise error_for_code("caller_not_allowed")``,
``principal.require_scopes([...])``) gets the catalogue answer too: from the ASGI middleware, and,
without the middleware, from :func:`install_error_handler`.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Optional, Sequence

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, Response

from .._meshauth import Principal, error_for_code
from ..errors import MeshAuthError
from ..validator import Validator
from . import error_body, error_response

__all__ = ["require_principal", "MeshAuthHTTPException", "install_error_handler"]


class MeshAuthHTTPException(HTTPException):
    """A meshauth failure as a FastAPI ``HTTPException``; ``.error`` is the :class:`MeshAuthError`."""

    def __init__(self, error: MeshAuthError) -> None:
        headers = {"Cache-Control": "no-store"}
        if error.www_authenticate is not None:
            headers["WWW-Authenticate"] = error.www_authenticate
        super().__init__(
            status_code=error.status if error.status is not None else 500,
            detail=error_body(error),
            headers=headers,
        )
        self.error = error


def require_principal(
    scopes: Sequence[str] = (),
    *,
    clients: Optional[Sequence[str]] = None,
    validator: Optional[Validator] = None,
) -> Callable[[Request], Awaitable[Principal]]:
    """A dependency returning the request's Principal; refuses a request without one, whose
    Principal lacks one of ``scopes`` (all are required), or, with ``clients``, whose calling client
    is not one of them (``caller_not_allowed``)."""
    required = list(scopes)
    allowed = None if clients is None else list(clients)

    async def dependency(request: Request) -> Principal:
        principal: Optional[Principal] = getattr(request.state, "principal", None)
        try:
            if principal is None:
                if validator is None:
                    raise error_for_code("no_credentials")
                principal = await validator.authenticate_async(request.headers.raw)
            if allowed is not None:
                principal.require_clients(allowed)
            principal.require_scopes(required)
        except MeshAuthError as error:
            raise MeshAuthHTTPException(error) from None
        return principal

    return dependency


def install_error_handler(app: FastAPI) -> None:
    """Answer :class:`MeshAuthHTTPException` with the middleware's body
    ``{"error", "error_description"}`` instead of FastAPI's ``{"detail": …}``, and any
    :class:`MeshAuthError` raised in a handler with the catalogue answer (status,
    ``WWW-Authenticate``, ``Cache-Control: no-store``, that body) instead of a 500."""

    async def handler(request: Request, exc: Any) -> Response:
        return JSONResponse(exc.detail, status_code=exc.status_code, headers=exc.headers)

    async def raised(request: Request, exc: Any) -> Response:
        status, headers, body = error_response(exc)
        return Response(body, status_code=status, headers=dict(headers))

    app.add_exception_handler(MeshAuthHTTPException, handler)
    app.add_exception_handler(MeshAuthError, raised)
