"""Checks of what users hand to viz: errors that name the function, the argument and what was given."""

import numbers
import os
import pathlib

__all__ = ["count", "positive", "file_path", "file_in_the_way", "folder", "limits"]


def count(value, name, who, minimum=0, none_ok=False):
    """value as an int >= minimum (or None when none_ok)."""
    if value is None and none_ok:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        kind = "an int or None" if none_ok else "an int"
        raise TypeError(f"{who}: {name} must be {kind}, got {type(value).__name__} {value!r}")
    if value < minimum:
        raise ValueError(f"{who}: {name} must be >= {minimum}, got {value}")
    return int(value)


def positive(value, name, who, zero_ok=False):
    """value as a float > 0 (>= 0 when zero_ok)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{who}: {name} must be a number, got {type(value).__name__} {value!r}")
    if not (value >= 0 if zero_ok else value > 0) or value == float("inf"):
        raise ValueError(f"{who}: {name} must be a finite number {'>=' if zero_ok else '>'} 0, got {value}")
    return float(value)


def file_path(path, who, name="path"):
    """path as a pathlib.Path, after checking that it can be a file or a folder to write into."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{who}: {name} must be a file name (str or os.PathLike), got {type(path).__name__}")
    return pathlib.Path(path)


def file_in_the_way(path):
    """The existing file (not a directory) that keeps path from being a folder, or None."""
    for p in (path, *path.parents):
        if p.exists():
            return None if p.is_dir() else p
    return None


def folder(path, who, name="folder"):
    """path as a pathlib.Path that is a folder or can be made one."""
    path = file_path(path, who, name)
    f = file_in_the_way(path)
    if f is not None:
        raise ValueError(f"{who}: cannot write into {str(path)!r}: {str(f)!r} is a file, not a directory")
    return path


_LIMITS = {
    "max_nodes": (1, True),
    "max_fanout": (1, True),
    "max_values": (0, False),
    "precision": (1, False),
    "max_elements": (1, False),
}


def limits(who, **values):
    """Check the size limits a drawing takes (max_nodes=, max_values=, ...), each by its own rule."""
    for name, value in values.items():
        count(value, name, who, *_LIMITS[name])
