"""``meshauth.TokenClient``: outgoing calls, with ``async`` twins for asyncio code.

::

    client = meshauth.TokenClient(issuer="https://issuer.example", client_id="orders",
                                  client_secret=os.environ["ORDERS_SECRET"])
    token = client.client_credentials(audience="inventory", scope="inventory:read")
    requests.get(url, headers={"Authorization": token.authorization_header()})

    # a user's token, exchanged for one meant only for a third party
    partner = client.token_exchange(principal.token, audience="partner-api")

Grants, client authentication (``client_secret_basic``, ``client_secret_post``,
``private_key_jwt``), caching and refresh are the core's. Failures raise
:class:`meshauth.TokenEndpointError` (with ``.oauth_error``) or :class:`meshauth.ConfigError`.
"""

from __future__ import annotations

import asyncio
from typing import Any

from ._meshauth import AccessToken
from ._meshauth import TokenClient as _CoreTokenClient

__all__ = ["TokenClient"]


class TokenClient(_CoreTokenClient):
    """A client of one authorization server (thread-safe; share one per service).

    The synchronous methods release the GIL while they talk to the server. The ``async`` methods
    answer from the cache on the event loop when they can and otherwise run the call in a worker
    thread.
    """

    async def client_credentials_async(self, **request: Any) -> AccessToken:
        """``client_credentials`` for asyncio code."""
        cached = self.client_credentials_cached(**request)
        if cached is not None:
            return cached
        return await asyncio.to_thread(lambda: self.client_credentials(**request))

    async def jwt_bearer_async(self, assertion: str, /, **request: Any) -> AccessToken:
        """``jwt_bearer`` in a worker thread."""
        return await asyncio.to_thread(lambda: self.jwt_bearer(assertion, **request))

    async def token_exchange_async(self, subject_token: str, /, **request: Any) -> AccessToken:
        """``token_exchange`` in a worker thread."""
        return await asyncio.to_thread(lambda: self.token_exchange(subject_token, **request))

    def __repr__(self) -> str:
        return f"<meshauth.TokenClient client_id={self.client_id!r}>"
