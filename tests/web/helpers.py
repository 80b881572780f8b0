"""Small helpers of the web tests."""

from __future__ import annotations

from typing import Any


def page(response: Any) -> str:
    """The decoded body of an HTML response."""
    return str(response.content.decode())
