"""The ``meshauth`` console script (``meshauth.command``): it finds the command and hands it the
arguments, stdin and the exit status unchanged."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

import meshauth
from meshauth.command import command_binary
from meshauth.testing import DevIssuer


def run(*args: str, stdin: str = "", env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "meshauth.command", *args], input=stdin, capture_output=True, text=True, env=env
    )


def test_version_is_the_package_version():
    r = run("--version")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"meshauth {meshauth.__version__}"


def test_inspect_and_verify_a_token_from_stdin(meshauth_issuer: DevIssuer):
    token = meshauth_issuer.mint({"sub": "alice", "aud": "orders"})
    r = run("--json", "inspect", stdin=token)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert (doc["verified"], doc["claims"]["sub"]) == (False, "alice")
    r = run("verify", "--issuer", meshauth_issuer.issuer, "--audience", "billing", "--discovery", stdin=token)
    assert r.returncode == 6, "invalid_audience is a refused claim"
    assert r.stdout.startswith("refused: invalid_audience\n")
    assert '  configured audience: "billing"' in r.stdout


def test_a_missing_binary_is_named(tmp_path, monkeypatch):
    missing = tmp_path / "meshauth"
    r = run("--version", env_extra={"MESHAUTH_CLI_BIN": str(missing)})
    assert r.returncode == 1
    assert f"MESHAUTH_CLI_BIN={missing} does not exist" in r.stderr
    monkeypatch.setenv("MESHAUTH_CLI_BIN", str(missing))
    with pytest.raises(FileNotFoundError, match="MESHAUTH_CLI_BIN"):
        command_binary()
