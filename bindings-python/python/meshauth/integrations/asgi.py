"""ASGI middleware: authenticate every HTTP (and WebSocket) request before the app sees it.

::

    from starlette.applications import Starlette
    from meshauth.integrations.asgi import MeshAuthMiddleware

    app = Starlette(routes=...)
    app.add_middleware(MeshAuthMiddleware, validator=validator, exclude_paths={"/health"})

On success the Principal is in ``scope["state"]["principal"]`` — ``request.state.principal`` in
Starlette and FastAPI. On failure the request never reaches the app: the answer carries the
catalogue status, ``WWW-Authenticate`` and ``{"error", "error_description"}`` (a WebSocket is closed
with code 1008 instead).

Per-route authorisation: a handler calls ``request.state.principal.require_scopes([...])`` or
``.require_clients([...])`` (the validator's ``allowed_clients`` decision); a :class:`MeshAuthError`
the app raises before its answer started — those, or ``raise error_for_code("caller_not_allowed")``
— gets the same catalogue answer instead of a 500. Validation uses ``authenticate_async``: warm keys answer on the event
loop, key fetches run in a worker thread.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Collection, MutableMapping

from ..errors import MeshAuthError
from ..validator import Validator
from . import error_response

__all__ = ["MeshAuthMiddleware"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class MeshAuthMiddleware:
    """Authenticates requests with ``validator``.

    Args:
        app: the ASGI application to protect.
        validator: a :class:`meshauth.Validator`.
        exclude_paths: exact paths served without authentication (health checks…).
        optional: when true, a request without credentials (``no_credentials``) passes with
            ``principal = None``; every other failure is still refused.
    """

    def __init__(
        self,
        app: ASGIApp,
        validator: Validator,
        *,
        exclude_paths: Collection[str] = (),
        optional: bool = False,
    ) -> None:
        self.app = app
        self.validator = validator
        self.exclude_paths = frozenset(exclude_paths)
        self.optional = optional

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        if scope.get("path") in self.exclude_paths:
            await _run(self.app, scope, receive, send)
            return
        try:
            principal = await self.validator.authenticate_async(scope.get("headers") or [])
        except MeshAuthError as error:
            if self.optional and error.code == "no_credentials":
                principal = None
            elif kind == "websocket":
                await send({"type": "websocket.close", "code": 1008, "reason": error.code})
                return
            else:
                await _send_error(send, error)
                return
        scope.setdefault("state", {})["principal"] = principal
        await _run(self.app, scope, receive, send)


async def _run(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
    """Run ``app``; a :class:`MeshAuthError` it raises before its answer started (a handler's
    ``raise error_for_code("caller_not_allowed")`` or ``principal.require_scopes([...])``) gets the
    catalogue answer instead of a 500."""
    started = False

    async def tracking_send(message: Message) -> None:
        nonlocal started
        if message.get("type") in ("http.response.start", "websocket.accept", "websocket.close"):
            started = True
        await send(message)

    try:
        await app(scope, receive, tracking_send)
    except MeshAuthError as error:
        if started:
            raise
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008, "reason": error.code})
        else:
            await _send_error(send, error)


async def _send_error(send: Send, error: MeshAuthError) -> None:
    status, headers, body = error_response(error)
    raw_headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers]
    raw_headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})
