"""The primitive ops: each a `Function` with forward and backward side by side."""

from __future__ import annotations

__all__: list[str] = []
