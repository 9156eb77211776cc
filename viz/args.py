"""Checks of what users hand to viz: errors that name the function, the argument and what was given."""

from __future__ import annotations

import numbers
import os
import pathlib
from typing import cast

__all__ = ["count", "positive", "file_path", "file_in_the_way", "folder", "limits"]


def count(value: object, name: str, who: str, minimum: int = 0, none_ok: bool = False) -> int | None:
    """value as an int >= minimum (or None when none_ok)."""
    if value is None and none_ok:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        kind = "an int or None" if none_ok else "an int"
        raise TypeError(f"{who}: {name} must be {kind}, got {type(value).__name__} {value!r}")
    if value < minimum:
        raise ValueError(f"{who}: {name} must be >= {minimum}, got {value}")
    return int(value)


def positive(value: object, name: str, who: str, zero_ok: bool = False) -> float:
    """value as a float > 0 (>= 0 when zero_ok)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{who}: {name} must be a number, got {type(value).__name__} {value!r}")
    value = cast(float, value)  # a numbers.Real, whose stub declares no >= nor >
    if not (value >= 0 if zero_ok else value > 0) or value == float("inf"):
        raise ValueError(f"{who}: {name} must be a finite number {'>=' if zero_ok else '>'} 0, got {value}")
    return float(value)


def file_path(path: str | os.PathLike[str], who: str, name: str = "path") -> pathlib.Path:
    """path as a pathlib.Path, after checking that it can be a file or a folder to write into."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{who}: {name} must be a file name (str or os.PathLike), got {type(path).__name__}")
    return pathlib.Path(path)


def file_in_the_way(path: pathlib.Path) -> pathlib.Path | None:
    """The existing file (not a directory) that keeps path from being a folder, or None."""
    for p in (path, *path.parents):
        if p.exists():
            return None if p.is_dir() else p
    return None


def folder(path: str | os.PathLike[str], who: str, name: str = "folder") -> pathlib.Path:
    """path as a pathlib.Path that is a folder or can be made one."""
    path = file_path(path, who, name)
    f = file_in_the_way(path)
    if f is not None:
        raise ValueError(f"{who}: cannot write into {str(path)!r}: {str(f)!r} is a file, not a directory")
    return path


_LIMITS: dict[str, tuple[int, bool]] = {
    "max_nodes": (1, True),
    "max_fanout": (1, True),
    "max_values": (0, False),
    "precision": (1, False),
    "max_elements": (1, False),
}


def limits(who: str, **values: object) -> None:
    """Check the size limits a drawing takes (max_nodes=, max_values=, ...), each by its own rule."""
    for name, value in values.items():
        count(value, name, who, *_LIMITS[name])
