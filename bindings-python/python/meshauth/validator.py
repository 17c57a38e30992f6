"""``meshauth.Validator``: the core validator plus ``async`` twins for asyncio servers."""

from __future__ import annotations

import asyncio
from typing import Any, Optional, Union

from ._meshauth import Principal
from ._meshauth import Validator as _CoreValidator

__all__ = ["Validator"]


class Validator(_CoreValidator):
    """A configured validator (docs/configuration.md schema); build one per service and share it.

    ``Validator(config)``, ``Validator(**config)`` or ``Validator.from_config(config)``; the
    configuration may also be JSON text. Invalid configuration raises :class:`meshauth.ConfigError`.

    The synchronous methods release the GIL while verifying signatures and fetching keys. The
    ``async`` methods answer on the event loop when the keys are already cached (no network, no
    thread hop) and otherwise run the blocking call in a worker thread, so the loop never waits
    on network I/O.
    """

    async def validate_async(self, token: Union[str, bytes], *, now: Optional[int] = None) -> Principal:
        """``validate`` for asyncio code."""
        principal = self.validate_cached(token, now=now)
        if principal is not None:
            return principal
        return await asyncio.to_thread(self.validate, token, now=now)

    async def authenticate_async(self, headers: Any, cookies: Any = None, *, now: Optional[int] = None) -> Principal:
        """``authenticate`` for asyncio code."""
        principal = self.authenticate_cached(headers, cookies, now=now)
        if principal is not None:
            return principal
        return await asyncio.to_thread(self.authenticate, headers, cookies, now=now)

    async def refresh_async(self) -> None:
        """``refresh`` in a worker thread."""
        await asyncio.to_thread(self.refresh)

    def __repr__(self) -> str:
        return f"<meshauth.Validator at {id(self):#x}>"
