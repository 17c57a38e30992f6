"""pytest plugin (entry point ``pytest11``): the ``meshauth_issuer`` fixture.

``meshauth_issuer`` is one :class:`meshauth.testing.DevIssuer` for the whole test session.
"""

from __future__ import annotations

from typing import Iterator

import pytest

from .testing import DevIssuer


@pytest.fixture(scope="session")
def meshauth_issuer() -> Iterator[DevIssuer]:
    """The development issuer on a free loopback port, for the whole session."""
    with DevIssuer() as issuer:
        yield issuer
