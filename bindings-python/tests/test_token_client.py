"""Outgoing calls (`meshauth.TokenClient`) against the development issuer: client credentials
(cached), jwt-bearer and token exchange of a user token for a third-party audience, errors."""

from __future__ import annotations

import asyncio

import pytest

import meshauth
from meshauth.testing import DevIssuer

PARTNER_SCOPE = "partner:orders:read"


@pytest.fixture(scope="module")
def dev(meshauth_issuer: DevIssuer) -> DevIssuer:
    return meshauth_issuer


@pytest.fixture(scope="module")
def client(dev: DevIssuer) -> meshauth.TokenClient:
    return meshauth.TokenClient(issuer=dev.issuer, client_id="orders", client_secret="orders-dev-secret")


def validator_for(dev: DevIssuer, audience: str) -> meshauth.Validator:
    return meshauth.Validator(issuer=dev.issuer, audience=audience, discovery=True)


def test_client_credentials(dev, client):
    assert client.client_id == "orders"
    assert repr(client) == "<meshauth.TokenClient client_id='orders'>"
    token = client.client_credentials(audience="inventory", scope="inventory:read")
    assert isinstance(token, meshauth.AccessToken)
    assert token.token_type.lower() == "bearer"
    assert token.authorization_header() == f"Bearer {token.access_token}"
    assert token.access_token not in repr(token) and "<redacted>" in repr(token)
    assert token.expires_at is not None
    p = validator_for(dev, "inventory").validate(token.access_token)
    assert p.client_id == "orders" and p.is_client and p.scopes == ["inventory:read"]
    # Cached: the same token again, and visible without network.
    again = client.client_credentials(audience="inventory", scope="inventory:read")
    assert again.access_token == token.access_token
    cached = client.client_credentials_cached(audience="inventory", scope="inventory:read")
    assert cached is not None and cached.access_token == token.access_token
    assert client.client_credentials_cached(audience="billing") is None


def test_client_credentials_async(dev, client):
    token = asyncio.run(client.client_credentials_async(audience="billing", scope=["billing:charge"]))
    assert validator_for(dev, "billing").validate(token.access_token).scopes == ["billing:charge"]


def user_token(dev: DevIssuer) -> str:
    return dev.mint({"sub": "alice", "aud": "orders", "scope": "orders:read"})


@pytest.mark.parametrize("use_client_token", [False, True])
def test_jwt_bearer_for_a_third_party(dev, client, use_client_token):
    token = client.jwt_bearer(
        user_token(dev), audience="partner-api", scope=PARTNER_SCOPE, use_client_token=use_client_token
    )
    p = validator_for(dev, "partner-api").validate(token.access_token)
    assert p.subject == "alice" and p.audiences == ["partner-api"]
    with pytest.raises(meshauth.InvalidToken) as e:
        validator_for(dev, "orders").validate(token.access_token)
    assert e.value.code == "invalid_audience"


def test_token_exchange_for_a_third_party(dev, client):
    token = client.token_exchange(user_token(dev), audience="partner-api", scope=PARTNER_SCOPE)
    assert token.issued_token_type == "urn:ietf:params:oauth:token-type:access_token"
    p = validator_for(dev, "partner-api").validate(token.access_token)
    assert p.subject == "alice" and p.audiences == ["partner-api"]
    exchanged = asyncio.run(client.token_exchange_async(user_token(dev), audience="partner-api", scope=PARTNER_SCOPE))
    assert validator_for(dev, "partner-api").validate(exchanged.access_token).subject == "alice"
    via_jwt_bearer = asyncio.run(client.jwt_bearer_async(user_token(dev), audience="partner-api", scope=PARTNER_SCOPE))
    assert validator_for(dev, "partner-api").validate(via_jwt_bearer.access_token).subject == "alice"


def test_principal_forwarding_header(dev):
    token = user_token(dev)
    p = validator_for(dev, "orders").validate(token)
    assert p.authorization_header() == f"Bearer {token}"


def test_refused_by_the_server(dev):
    bad = meshauth.TokenClient(issuer=dev.issuer, client_id="orders", client_secret="wrong")
    with pytest.raises(meshauth.TokenEndpointError) as e:
        bad.client_credentials(audience="inventory")
    assert e.value.code == "token_endpoint_error"
    assert e.value.oauth_error == "invalid_client"
    assert e.value.status is None and e.value.www_authenticate is None
    assert "wrong" not in str(e.value)
    client = meshauth.TokenClient(issuer=dev.issuer, client_id="reporting", client_secret="reporting-dev-secret")
    with pytest.raises(meshauth.TokenEndpointError) as e:
        client.token_exchange(user_token(dev), audience="partner-api")
    assert e.value.oauth_error is not None


def test_configuration_errors(dev):
    with pytest.raises(meshauth.ConfigError):
        meshauth.TokenClient(client_id="orders", client_secret="x")  # no endpoint, no issuer
    with pytest.raises(meshauth.ConfigError):
        meshauth.TokenClient(issuer=dev.issuer, client_id="orders")  # no secret, no key
    with pytest.raises(meshauth.ConfigError):
        meshauth.TokenClient(issuer=dev.issuer, client_id="orders", client_secret="x", surprise=1)
    client = meshauth.TokenClient({"token_endpoint": dev.token_url, "client_id": "orders", "client_secret": "x"})
    with pytest.raises(meshauth.ConfigError):
        client.client_credentials(unknown_parameter=1)
    with pytest.raises(meshauth.ConfigError):
        client.client_credentials(actor_token="x")


@pytest.mark.parametrize(
    "client_id, secret, request_params, oauth_error",
    [
        ("nobody", "x", {}, "invalid_client"),
        ("orders", "orders-dev-secret", {"audience": "partner-api"}, "invalid_target"),
        ("orders", "orders-dev-secret", {"scope": "admin"}, "invalid_scope"),
    ],
)
def test_client_credentials_failures(dev, client_id, secret, request_params, oauth_error):
    c = meshauth.TokenClient(issuer=dev.issuer, client_id=client_id, client_secret=secret)
    with pytest.raises(meshauth.TokenEndpointError) as e:
        c.client_credentials(**request_params)
    assert (e.value.code, e.value.oauth_error) == ("token_endpoint_error", oauth_error)


def test_expired_assertion_is_invalid_grant(dev, client):
    expired = dev.mint({"sub": "alice", "aud": "orders", "exp": 1_700_000_000})
    with pytest.raises(meshauth.TokenEndpointError) as e:
        client.jwt_bearer(expired, audience="partner-api")
    assert e.value.oauth_error == "invalid_grant"


def test_issuer_down_is_token_endpoint_error():
    with DevIssuer() as stopped:
        token_url = stopped.token_url
    c = meshauth.TokenClient(token_endpoint=token_url, client_id="orders", client_secret="x", http_timeout_ms=1000)
    with pytest.raises(meshauth.TokenEndpointError) as e:
        c.client_credentials()
    assert e.value.oauth_error is None


def test_private_key_jwt_client(dev):
    from pathlib import Path

    pem = (Path(__file__).resolve().parents[2] / "issuer" / "dev-keys" / "signed-client.pem").read_text()
    c = meshauth.TokenClient(issuer=dev.issuer, client_id="signed-client", private_key_pem=pem)
    token = c.client_credentials()
    assert validator_for(dev, "inventory").validate(token.access_token).client_id == "signed-client"


def test_service_to_service_policy(dev):
    reporting = meshauth.TokenClient(issuer=dev.issuer, client_id="reporting", client_secret="reporting-dev-secret")
    token = reporting.client_credentials().access_token
    only_orders = meshauth.Validator(issuer=dev.issuer, audience="billing", discovery=True, allowed_clients=["orders"])
    with pytest.raises(meshauth.CallerNotAllowed) as e:
        only_orders.validate(token)
    assert (e.value.code, e.value.status) == ("caller_not_allowed", 403)
    needs_charge = meshauth.Validator(issuer=dev.issuer, audience="billing", discovery=True, required_scopes=["billing:charge"])
    with pytest.raises(meshauth.InsufficientScope) as s:
        needs_charge.validate(token)
    assert s.value.status == 403 and s.value.www_authenticate.endswith('scope="billing:charge"')
