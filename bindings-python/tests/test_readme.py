"""The ```python examples of bindings-python/README.md run, in order, in one namespace."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def python_blocks():
    return re.findall(r"^```python\n(.*?)^```", README.read_text(encoding="utf-8"), flags=re.S | re.M)


def test_readme_has_examples():
    assert len(python_blocks()) >= 3


def test_readme_examples_run(capsys):
    namespace: dict = {"__name__": "readme"}
    for i, block in enumerate(python_blocks()):
        exec(compile(block, f"README.md[python block {i}]", "exec"), namespace)
    out = capsys.readouterr().out
    assert "Principal(" in out and "alice" in out
    assert 'Bearer error="invalid_token", error_description="the access token expired"' in out
    assert "AccessToken(" in out and "<redacted>" in out
    assert namespace["outgoing_headers"]["Authorization"].startswith("Bearer ")
    # The framework examples built working apps.
    from fastapi.testclient import TestClient

    r = TestClient(namespace["app"]).get("/orders")
    assert r.status_code == 401 and r.json()["error"] == "no_credentials"
    r = namespace["flask_app"].test_client().get("/orders")
    assert r.status_code == 401 and r.headers["WWW-Authenticate"] == "Bearer"
