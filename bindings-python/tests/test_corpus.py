"""The shared conformance corpus (testdata/corpus.json, testdata/README.md), every case through the public
Python API: build the validator from the case's configuration, then `validate(token, now=…)` or
`authenticate(headers, cookies, now=…)`, and compare the Principal's fields, the claims (parsed by
Python's json: integers exact at any size), or the error's class, code, status and challenge."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import meshauth

CORPUS = Path(__file__).resolve().parents[2] / "testdata" / "corpus.json"


def exact(a, b):
    """JSON equality that, unlike ==, tells 1, 1.0 and True apart."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(exact(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(exact(x, y) for x, y in zip(a, b))
    return a == b


def load_cases():
    corpus = json.loads(CORPUS.read_text(encoding="utf-8"))
    assert corpus["format"] == 1
    return corpus["cases"]


CASES = load_cases()


def test_corpus_is_not_empty():
    assert len(CASES) > 100
    assert len({c["name"] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case(case):
    expect = case["expect"]
    try:
        validator = meshauth.Validator(case["config"])
        if "token" in case:
            assert "request" not in case
            principal = validator.validate(case["token"], now=case["now"])
        else:
            request = case["request"]
            principal = validator.authenticate(request.get("headers") or [], request.get("cookies"), now=case["now"])
    except meshauth.MeshAuthError as error:
        assert not expect["ok"], f"expected success, got {error.code}: {error.message}"
        assert error.code == expect["code"], error.message
        assert type(error) is meshauth.ERRORS[error.code]
        assert error.status == expect["status"]
        assert error.www_authenticate == expect["www_authenticate"]
        if "token" in case and len(case["token"]) > 16:
            assert case["token"] not in error.message
        return
    assert expect["ok"], f"expected {expect['code']}, got a Principal"
    for field, want in expect.get("principal", {}).items():
        assert exact(getattr(principal, field), want), f"{field}: {getattr(principal, field)!r} != {want!r}"
    if "claims" in expect:
        assert exact(principal.claims, expect["claims"])
        assert exact(json.loads(principal.claims_json()), expect["claims"])
    if "token" in case:
        assert principal.token == case["token"]
