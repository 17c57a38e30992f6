"""Test helpers: the development issuer (``meshauth-issuer``) as a subprocess.

::

    from meshauth.testing import DevIssuer

    with DevIssuer() as issuer:
        token = issuer.mint({"sub": "alice", "aud": "orders"})
        validator = meshauth.Validator(issuer=issuer.issuer, audience="orders", discovery=True)
        validator.validate(token)

The binary is ``$MESHAUTH_ISSUER_BIN`` if set, else the one the wheel carries
(``meshauth/_bin/meshauth-issuer``), else, in a checkout of the meshauth repository,
``<repo>/target/debug/meshauth-issuer`` (built with ``cargo build -p meshauth-issuer`` when
missing). ``python -m meshauth.issuer`` runs it on its own. pytest users get the
``meshauth_issuer`` fixture (a session-wide :class:`DevIssuer`) from the plugin
``meshauth.pytest_plugin``, registered automatically when meshauth is installed. The issuer runs
with ``--dev-endpoints`` (mint, rotate): a development tool on loopback, never a production server.

Only the standard library is used (``subprocess``, ``urllib``).
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

__all__ = ["DevIssuer", "DevIssuerError", "issuer_binary"]

_LISTENING = re.compile(r"listening on (http://\S+)")


class DevIssuerError(RuntimeError):
    """The development issuer could not be started, or answered an error."""

    def __init__(self, message: str, status: Optional[int] = None, body: Optional[Any] = None) -> None:
        super().__init__(message)
        self.status = status
        self.body = body


def _repo_root() -> Optional[Path]:
    """The meshauth checkout this package runs from (editable installs), if any."""
    for parent in Path(__file__).resolve().parents:
        if (parent / "issuer" / "Cargo.toml").is_file() and (parent / "Cargo.toml").is_file():
            return parent
    cwd = Path.cwd().resolve()
    for parent in (cwd, *cwd.parents):
        if (parent / "issuer" / "Cargo.toml").is_file() and (parent / "Cargo.toml").is_file():
            return parent
    return None


def _bundled_binary() -> Path:
    """Where a wheel carries the development issuer."""
    return Path(__file__).resolve().parent / "_bin" / ("meshauth-issuer.exe" if os.name == "nt" else "meshauth-issuer")


def issuer_binary(build: bool = True) -> Path:
    """Path of the ``meshauth-issuer`` binary, building it with cargo if needed and allowed."""
    env = os.environ.get("MESHAUTH_ISSUER_BIN")
    if env:
        path = Path(env)
        if not path.is_file():
            raise DevIssuerError(f"MESHAUTH_ISSUER_BIN={env} does not exist")
        return path
    bundled = _bundled_binary()
    if bundled.is_file():
        return bundled
    root = _repo_root()
    if root is None:
        raise DevIssuerError(
            f"meshauth-issuer not found: this meshauth installation carries none ({bundled} is missing: "
            "wheels for linux x86_64 bundle it); set MESHAUTH_ISSUER_BIN or run inside the meshauth repository"
        )
    target = Path(os.environ.get("CARGO_TARGET_DIR", root / "target"))
    path = target / "debug" / ("meshauth-issuer.exe" if os.name == "nt" else "meshauth-issuer")
    if not path.is_file():
        if not build:
            raise DevIssuerError(f"{path} does not exist (cargo build -p meshauth-issuer)")
        cargo = shutil.which("cargo")
        if cargo is None:
            raise DevIssuerError("meshauth-issuer is not built and cargo is not on PATH")
        subprocess.run([cargo, "build", "-q", "-p", "meshauth-issuer", "--bin", "meshauth-issuer"], cwd=root, check=True)
    return path


class DevIssuer:
    """The development issuer running as a subprocess on a free loopback port.

    Use as a context manager (or call :meth:`start` / :meth:`stop`). ``url`` is its base URL and
    ``issuer`` the ``iss`` of its tokens (read from its discovery document).
    """

    def __init__(
        self,
        binary: Union[str, Path, None] = None,
        *,
        args: Sequence[str] = (),
        timeout: float = 30.0,
    ) -> None:
        self._binary = Path(binary) if binary is not None else None
        self._args = list(args)
        self._timeout = timeout
        self._process: Optional[subprocess.Popen[str]] = None
        self._url: Optional[str] = None
        self._metadata: Optional[Dict[str, Any]] = None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> "DevIssuer":
        if self._process is not None:
            return self
        binary = self._binary or issuer_binary()
        process = subprocess.Popen(
            [str(binary), "--port", "0", "--dev-endpoints", *self._args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        first: List[str] = []

        def read_first_line() -> None:
            assert process.stdout is not None
            first.append(process.stdout.readline())

        reader = threading.Thread(target=read_first_line, daemon=True)
        reader.start()
        reader.join(self._timeout)
        match = _LISTENING.search(first[0]) if first else None
        if match is None:
            process.kill()
            _, err = process.communicate(timeout=5)
            raise DevIssuerError(
                f"meshauth-issuer did not report its address (first line {first[:1]!r}); stderr: {err.strip()[-2000:]}"
            )
        # Keep draining its output so a chatty issuer never blocks on a full pipe.
        for stream in (process.stdout, process.stderr):
            threading.Thread(target=_drain, args=(stream,), daemon=True).start()
        self._process = process
        self._url = match.group(1).rstrip("/")
        return self

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def __enter__(self) -> "DevIssuer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- addresses ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:41234``."""
        if self._url is None:
            raise DevIssuerError("the issuer is not running")
        return self._url

    @property
    def metadata(self) -> Dict[str, Any]:
        """Its OpenID discovery document."""
        if self._metadata is None:
            self._metadata = self._request("GET", "/.well-known/openid-configuration")
        return self._metadata

    @property
    def issuer(self) -> str:
        """The ``iss`` of the tokens it issues."""
        return str(self.metadata.get("issuer", self.url))

    @property
    def jwks_url(self) -> str:
        return str(self.metadata.get("jwks_uri", self.url + "/jwks"))

    @property
    def token_url(self) -> str:
        return str(self.metadata.get("token_endpoint", self.url + "/token"))

    def jwks(self) -> Dict[str, Any]:
        """The current JWK Set."""
        result: Dict[str, Any] = self._request("GET", "/jwks")
        return result

    # -- operations --------------------------------------------------------------------------

    def mint(
        self,
        claims: Mapping[str, Any],
        alg: str = "RS256",
        *,
        header: Optional[Mapping[str, Any]] = None,
        ttl_s: Optional[int] = None,
        tamper: Optional[str] = None,
    ) -> str:
        """Mint a token signed by the issuer's current key (``POST /dev/mint``)."""
        body: Dict[str, Any] = {"claims": dict(claims), "alg": alg}
        if header is not None:
            body["header"] = dict(header)
        if ttl_s is not None:
            body["ttl_s"] = ttl_s
        if tamper is not None:
            body["tamper"] = tamper
        return str(self._request("POST", "/dev/mint", json_body=body)["token"])

    def rotate(self, retire: bool = False) -> List[str]:
        """Rotate the signing keys (``POST /dev/rotate``); returns the published key ids."""
        return list(self._request("POST", "/dev/rotate", json_body={"retire": retire})["kids"])

    def client_credentials(
        self,
        client_id: str,
        secret: str,
        audience: Optional[str] = None,
        scope: Optional[str] = None,
    ) -> Dict[str, Any]:
        """The token response of a ``client_credentials`` grant (``client_secret_basic``)."""
        form = {"grant_type": "client_credentials"}
        if audience is not None:
            form["audience"] = audience
        if scope is not None:
            form["scope"] = scope
        basic = base64.b64encode(
            f"{urllib.parse.quote(client_id, safe='')}:{urllib.parse.quote(secret, safe='')}".encode()
        ).decode()
        result: Dict[str, Any] = self._request(
            "POST", self.token_url, form=form, headers={"Authorization": f"Basic {basic}"}
        )
        return result

    # -- plumbing ----------------------------------------------------------------------------

    def _request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        form: Optional[Mapping[str, str]] = None,
        headers: Optional[Mapping[str, str]] = None,
    ) -> Any:
        url = path if path.startswith("http") else self.url + path
        data = None
        all_headers = {"Accept": "application/json", **(headers or {})}
        if json_body is not None:
            data = json.dumps(json_body).encode()
            all_headers["Content-Type"] = "application/json"
        elif form is not None:
            data = urllib.parse.urlencode(form).encode()
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        req = urllib.request.Request(url, data=data, method=method, headers=all_headers)
        try:
            with urllib.request.urlopen(req, timeout=self._timeout) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw.decode("utf-8", "replace")
            raise DevIssuerError(f"{method} {url}: HTTP {e.code}: {body}", status=e.code, body=body) from None


def _drain(stream: Any) -> None:
    try:
        for _ in stream:
            pass
    except (OSError, ValueError):
        pass
