"""The framework integrations through real test clients."""

from __future__ import annotations

import io
import json

import pytest
from conftest import NOW

import meshauth
from meshauth.integrations import error_response
from meshauth.integrations.wsgi import ENVIRON_KEY, MeshAuthMiddleware as WSGIMiddleware

EXPIRED_CHALLENGE = 'Bearer error="invalid_token", error_description="the access token expired"'


@pytest.fixture()
def fresh_token(token):
    """A token valid by the system clock (framework requests use the real clock)."""
    import time

    now = int(time.time())
    return lambda **claims: token(**{"iat": now - 10, "exp": now + 300, **claims})


@pytest.fixture()
def expired_token(token):
    return token(iat=NOW - 1000, exp=NOW - 500)


def test_error_response():
    e = meshauth.error_for_code("token_expired")
    status, headers, body = error_response(e)
    assert status == 401
    assert ("www-authenticate", EXPIRED_CHALLENGE) in headers
    assert json.loads(body) == {"error": "token_expired", "error_description": "the access token expired"}
    status, headers, _ = error_response(meshauth.error_for_code("invalid_config"))
    assert status == 500 and all(k != "www-authenticate" for k, _ in headers)


def test_error_body_never_carries_the_operator_detail(caplog):
    """A message naming an internal URL or the server's text stays out of the HTTP answer."""
    e = meshauth.error_for_code("key_source_unavailable", "GET http://10.1.2.3/jwks?api_key=s3cret: HTTP 500")
    assert "s3cret" not in e.message, "the core strips the query even from the operator's detail"
    with caplog.at_level("DEBUG", logger="meshauth"):
        status, _, body = error_response(e)
    assert status == 503
    assert json.loads(body) == {"error": "key_source_unavailable", "error_description": "the issuer's keys are unavailable"}
    assert "10.1.2.3/jwks" in caplog.text, "the detail goes to the operator's log"


# --- Starlette (ASGI middleware) -------------------------------------------------------------


def starlette_app(validator, **options):
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from meshauth.integrations.asgi import MeshAuthMiddleware

    async def me(request):
        p = request.state.principal
        return JSONResponse({"sub": None if p is None else p.subject, "scopes": [] if p is None else p.scopes})

    async def health(request):
        return JSONResponse({"ok": True})

    app = Starlette(routes=[Route("/me", me), Route("/health", health)])
    app.add_middleware(MeshAuthMiddleware, validator=validator, exclude_paths={"/health"}, **options)
    return app


def test_starlette_success(validator, fresh_token):
    from starlette.testclient import TestClient

    client = TestClient(starlette_app(validator))
    r = client.get("/me", headers={"Authorization": f"Bearer {fresh_token(scope='a b')}"})
    assert r.status_code == 200
    assert r.json() == {"sub": "alice", "scopes": ["a", "b"]}


def test_starlette_failures(validator, expired_token):
    from starlette.testclient import TestClient

    client = TestClient(starlette_app(validator))
    r = client.get("/me")
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    assert r.json() == {"error": "no_credentials", "error_description": "no access token in the request"}
    r = client.get("/me", headers={"Authorization": f"Bearer {expired_token}"})
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == EXPIRED_CHALLENGE
    assert r.json()["error"] == "token_expired"
    assert expired_token not in r.text
    r = client.get("/me", headers={"Authorization": "Bearer"})
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"
    assert r.headers["www-authenticate"].startswith('Bearer error="invalid_request"')
    assert client.get("/health").json() == {"ok": True}


def test_starlette_duplicate_authorization_headers(validator, fresh_token):
    """The raw ASGI header list keeps duplicates, so the core sees both and refuses."""
    from starlette.testclient import TestClient

    tok = fresh_token()
    client = TestClient(starlette_app(validator))
    r = client.get("/me", headers=[("Authorization", f"Bearer {tok}"), ("Authorization", f"Bearer {tok}")])
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"


def test_starlette_optional(validator, expired_token):
    from starlette.testclient import TestClient

    client = TestClient(starlette_app(validator, optional=True))
    assert client.get("/me").json() == {"sub": None, "scopes": []}
    assert client.get("/me", headers={"Authorization": f"Bearer {expired_token}"}).status_code == 401


def test_starlette_websocket(validator, fresh_token):
    from starlette.applications import Starlette
    from starlette.routing import WebSocketRoute
    from starlette.testclient import TestClient
    from starlette.websockets import WebSocketDisconnect

    from meshauth.integrations.asgi import MeshAuthMiddleware

    async def ws(websocket):
        await websocket.accept()
        await websocket.send_text(websocket.state.principal.subject)
        await websocket.close()

    app = Starlette(routes=[WebSocketRoute("/ws", ws)])
    app.add_middleware(MeshAuthMiddleware, validator=validator)
    client = TestClient(app)
    with client.websocket_connect("/ws", headers={"Authorization": f"Bearer {fresh_token()}"}) as s:
        assert s.receive_text() == "alice"
    with pytest.raises(WebSocketDisconnect) as e:
        with client.websocket_connect("/ws") as s:
            s.receive_text()
    assert e.value.code == 1008


# --- FastAPI ---------------------------------------------------------------------------------


def fastapi_app(validator, with_middleware=True, handler=False):
    from fastapi import Depends, FastAPI

    from meshauth import Principal
    from meshauth.integrations.asgi import MeshAuthMiddleware
    from meshauth.integrations.fastapi import install_error_handler, require_principal

    app = FastAPI()
    if with_middleware:
        app.add_middleware(MeshAuthMiddleware, validator=validator)
    if handler:
        install_error_handler(app)
    kw = {} if with_middleware else {"validator": validator}

    @app.get("/me")
    def me(principal: Principal = Depends(require_principal(**kw))):
        return {"sub": principal.subject}

    @app.get("/orders")
    def orders(principal: Principal = Depends(require_principal(scopes=["orders:read"], **kw))):
        return {"sub": principal.subject, "client": principal.client_id}

    return app


@pytest.mark.parametrize("with_middleware", [True, False])
def test_fastapi(validator, fresh_token, expired_token, with_middleware):
    from fastapi.testclient import TestClient

    client = TestClient(fastapi_app(validator, with_middleware))
    auth = {"Authorization": f"Bearer {fresh_token(scope='orders:read', client_id='web')}"}
    assert client.get("/me", headers=auth).json() == {"sub": "alice"}
    assert client.get("/orders", headers=auth).json() == {"sub": "alice", "client": "web"}
    r = client.get("/orders", headers={"Authorization": f"Bearer {fresh_token(scope='orders:write')}"})
    assert r.status_code == 403
    assert r.headers["www-authenticate"] == (
        'Bearer error="insufficient_scope", error_description="the token lacks a required scope", '
        'scope="orders:read"'
    )
    assert r.json() == {
        "detail": {"error": "insufficient_scope", "error_description": "the token lacks a required scope"}
    }
    r = client.get("/me", headers={"Authorization": f"Bearer {expired_token}"})
    assert r.status_code == 401 and r.headers["www-authenticate"] == EXPIRED_CHALLENGE
    r = client.get("/me")
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"


def test_fastapi_error_handler(validator, fresh_token):
    from fastapi.testclient import TestClient

    client = TestClient(fastapi_app(validator, handler=True))
    r = client.get("/orders", headers={"Authorization": f"Bearer {fresh_token()}"})
    assert r.status_code == 403
    assert r.json() == {"error": "insufficient_scope", "error_description": "the token lacks a required scope"}


# --- WSGI ------------------------------------------------------------------------------------


def wsgi_call(app, headers=None, path="/me"):
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "SERVER_NAME": "test",
        "SERVER_PORT": "80",
        "wsgi.input": io.BytesIO(),
        "wsgi.url_scheme": "http",
    }
    for name, value in (headers or {}).items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"] = status
        answer["headers"] = dict((k.lower(), v) for k, v in headers)

    answer["body"] = b"".join(app(environ, start_response))
    return answer


def test_wsgi_middleware(validator, fresh_token, expired_token):
    seen = {}

    def app(environ, start_response):
        seen["principal"] = environ.get(ENVIRON_KEY, "absent")
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    mw = WSGIMiddleware(app, validator, exclude_paths={"/health"})
    r = wsgi_call(mw, {"Authorization": f"Bearer {fresh_token()}"})
    assert r["status"] == "200 OK" and r["body"] == b"ok"
    assert seen["principal"].subject == "alice"
    r = wsgi_call(mw, {"Authorization": f"Bearer {expired_token}"})
    assert r["status"] == "401 Unauthorized"
    assert r["headers"]["www-authenticate"] == EXPIRED_CHALLENGE
    body = json.loads(r["body"])
    assert body["error"] == "token_expired" and body["error_description"]
    assert set(body) == {"error", "error_description"}
    assert r["headers"]["content-type"] == "application/json"
    r = wsgi_call(mw, {})
    assert r["status"] == "401 Unauthorized" and r["headers"]["www-authenticate"] == "Bearer"
    seen.clear()
    r = wsgi_call(mw, {}, path="/health")
    assert r["status"] == "200 OK" and seen["principal"] == "absent"
    optional = WSGIMiddleware(app, validator, optional=True)
    assert wsgi_call(optional, {})["status"] == "200 OK" and seen["principal"] is None


def test_wsgi_with_cookie(config, fresh_token):
    v = meshauth.Validator({**config, "cookie_name": "session_at"})
    seen = {}

    def app(environ, start_response):
        seen["p"] = environ[ENVIRON_KEY]
        start_response("204 No Content", [])
        return []

    r = wsgi_call(WSGIMiddleware(app, v), {"Cookie": f"a=b; session_at={fresh_token()}"})
    assert r["status"] == "204 No Content" and seen["p"].subject == "alice"


# --- Flask -----------------------------------------------------------------------------------


def flask_app(validator):
    from flask import Flask, g

    from meshauth.integrations.flask import require_auth

    app = Flask(__name__)

    @app.get("/me")
    @require_auth(validator)
    def me():
        return {"sub": g.principal.subject}

    @app.get("/orders")
    @require_auth(validator, scopes=["orders:read"])
    def orders():
        return {"sub": g.principal.subject, "scopes": g.principal.scopes}

    return app


def test_flask(validator, fresh_token, expired_token):
    client = flask_app(validator).test_client()
    auth = {"Authorization": f"Bearer {fresh_token(scope='orders:read')}"}
    assert client.get("/me", headers=auth).get_json() == {"sub": "alice"}
    assert client.get("/orders", headers=auth).get_json() == {"sub": "alice", "scopes": ["orders:read"]}
    r = client.get("/orders", headers={"Authorization": f"Bearer {fresh_token()}"})
    assert r.status_code == 403
    assert r.headers["WWW-Authenticate"].endswith('scope="orders:read"')
    assert r.get_json() == {"error": "insufficient_scope", "error_description": "the token lacks a required scope"}
    r = client.get("/me", headers={"Authorization": f"Bearer {expired_token}"})
    assert r.status_code == 401 and r.headers["WWW-Authenticate"] == EXPIRED_CHALLENGE
    assert r.get_json()["error"] == "token_expired"
    r = client.get("/me")
    assert r.status_code == 401 and r.headers["WWW-Authenticate"] == "Bearer"


def test_flask_behind_wsgi_middleware(validator, fresh_token):
    """The decorator reuses the Principal the WSGI middleware already found."""
    from flask import Flask, g

    from meshauth.integrations.flask import require_auth

    app = Flask(__name__)

    @app.get("/me")
    @require_auth()
    def me():
        return {"sub": g.principal.subject}

    app.wsgi_app = WSGIMiddleware(app.wsgi_app, validator, optional=True)  # type: ignore[method-assign]
    client = app.test_client()
    assert client.get("/me", headers={"Authorization": f"Bearer {fresh_token()}"}).get_json() == {"sub": "alice"}
    r = client.get("/me")
    assert r.status_code == 401 and r.get_json()["error"] == "no_credentials"


# --- ASGI with remote keys (the async path fetches in a worker thread) ---------------------


def test_asgi_with_remote_keys(meshauth_issuer):
    import asyncio

    import httpx

    dev = meshauth_issuer
    validator = meshauth.Validator(issuer=dev.issuer, audience="orders", discovery=True)
    app = starlette_app(validator)
    token = dev.mint({"sub": "erin", "aud": "orders", "scope": "orders:read"})

    async def main():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
            # The first request needs the keys: fetched off the event loop, then cached.
            first = await client.get("/me", headers={"Authorization": f"Bearer {token}"})
            assert validator.validate_cached(token) is not None
            second = await client.get("/me", headers={"Authorization": f"Bearer {token}"})
            return first, second

    first, second = asyncio.run(main())
    assert first.status_code == second.status_code == 200
    assert first.json() == {"sub": "erin", "scopes": ["orders:read"]}


def test_asgi_key_source_unavailable(token):
    import socket

    from starlette.testclient import TestClient

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    validator = meshauth.Validator(issuer="https://issuer.test", audience="orders", jwks_url=f"http://127.0.0.1:{port}/jwks")
    r = TestClient(starlette_app(validator)).get("/me", headers={"Authorization": f"Bearer {token()}"})
    assert r.status_code == 503
    assert "www-authenticate" not in r.headers
    assert r.json()["error"] == "key_source_unavailable"


# --- Per-route callers and the raise path ----------------------------------------------------

CALLER_BODY = {"error": "caller_not_allowed", "error_description": "the calling client is not allowed"}


def assert_caller_not_allowed(r, json_body):
    assert r.status_code == 403
    assert r.headers["cache-control"] == "no-store"
    assert "www-authenticate" not in r.headers  # the catalogue has no challenge for this code
    assert json_body == CALLER_BODY


def raising_fastapi_app(validator, with_middleware):
    from fastapi import Depends, FastAPI

    import meshauth
    from meshauth import Principal
    from meshauth.integrations.asgi import MeshAuthMiddleware
    from meshauth.integrations.fastapi import install_error_handler, require_principal

    app = FastAPI()
    if with_middleware:
        app.add_middleware(MeshAuthMiddleware, validator=validator, exclude_paths={"/health"})
    else:
        install_error_handler(app)
    kw = {} if with_middleware else {"validator": validator}

    @app.post("/orders")
    def create(
        principal: Principal = Depends(
            require_principal(scopes=["orders:write"], clients=["checkout", "admin-ui"], **kw)
        ),
    ):
        return {"client": principal.client_id}

    @app.get("/raise")
    def raise_it():
        raise meshauth.error_for_code("caller_not_allowed")

    @app.get("/scopes")
    async def scopes(principal: Principal = Depends(require_principal(**kw))):
        principal.require_scopes(["orders:admin"])
        return {}

    @app.get("/health")
    def health():
        raise meshauth.error_for_code("caller_not_allowed")

    return app


@pytest.mark.parametrize("with_middleware", [True, False])
def test_fastapi_clients_and_raise_path(validator, fresh_token, with_middleware):
    from fastapi.testclient import TestClient

    client = TestClient(raising_fastapi_app(validator, with_middleware))
    ok = {"Authorization": f"Bearer {fresh_token(scope='orders:write', client_id='checkout')}"}
    assert client.post("/orders", headers=ok).json() == {"client": "checkout"}
    azp = {"Authorization": f"Bearer {fresh_token(scope='orders:write', azp='admin-ui')}"}
    assert client.post("/orders", headers=azp).status_code == 200
    web = {"Authorization": f"Bearer {fresh_token(scope='orders:write', client_id='web')}"}
    r = client.post("/orders", headers=web)
    assert_caller_not_allowed(r, r.json()["detail"] if with_middleware else r.json())

    r = client.get("/raise", headers=ok)
    assert_caller_not_allowed(r, r.json())
    r = client.get("/scopes", headers=ok)
    assert r.status_code == 403 and r.headers["cache-control"] == "no-store"
    assert r.headers["www-authenticate"].endswith('scope="orders:admin"')
    assert r.json() == {"error": "insufficient_scope", "error_description": "the token lacks a required scope"}
    if with_middleware:  # an excluded path's handler is covered too
        r = client.get("/health")
        assert_caller_not_allowed(r, r.json())


def test_starlette_raise_path(validator, fresh_token):
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from meshauth.integrations.asgi import MeshAuthMiddleware

    async def create(request):
        request.state.principal.require_clients(["checkout"])
        return JSONResponse({"ok": True})

    app = Starlette(routes=[Route("/orders", create, methods=["POST"])])
    app.add_middleware(MeshAuthMiddleware, validator=validator)
    client = TestClient(app)
    ok = {"Authorization": f"Bearer {fresh_token(client_id='checkout')}"}
    assert client.post("/orders", headers=ok).json() == {"ok": True}
    r = client.post("/orders", headers={"Authorization": f"Bearer {fresh_token(client_id='web')}"})
    assert_caller_not_allowed(r, r.json())


def test_flask_clients_and_raise_path(validator, fresh_token):
    from flask import Flask, g

    import meshauth
    from meshauth.integrations.flask import install_error_handler, require_auth

    app = Flask(__name__)

    @app.post("/orders")
    @require_auth(validator, scopes=["orders:write"], clients=["checkout", "admin-ui"])
    def create():
        return {"client": g.principal.client_id}

    @app.get("/scopes")
    @require_auth(validator)
    def scopes():
        g.principal.require_scopes(["orders:admin"])
        return {}

    @app.get("/plain")
    def plain():
        raise meshauth.error_for_code("caller_not_allowed")

    client = app.test_client()
    ok = {"Authorization": f"Bearer {fresh_token(scope='orders:write', client_id='checkout')}"}
    assert client.post("/orders", headers=ok).get_json() == {"client": "checkout"}
    r = client.post("/orders", headers={"Authorization": f"Bearer {fresh_token(scope='orders:write', sub='web')}"})
    assert_caller_not_allowed(r, r.get_json())
    r = client.get("/scopes", headers=ok)
    assert r.status_code == 403 and r.headers["WWW-Authenticate"].endswith('scope="orders:admin"')
    assert r.get_json()["error"] == "insufficient_scope"
    assert client.get("/plain").status_code == 500  # not installed: Flask's own 500

    installed = Flask(__name__)
    installed.get("/plain")(plain)
    install_error_handler(installed)
    r = installed.test_client().get("/plain")
    assert_caller_not_allowed(r, r.get_json())


def test_principal_require_clients(validator, token):
    p = validator.validate(token(client_id="checkout"), now=NOW)
    p.require_clients(["checkout", "admin-ui"])
    with pytest.raises(meshauth.CallerNotAllowed) as info:
        p.require_clients(["admin-ui"])
    assert info.value.code == "caller_not_allowed" and info.value.status == 403
    assert '"checkout"' in info.value.message and '"admin-ui"' in info.value.message
