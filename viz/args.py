"""Checks of what users hand to viz: errors that name the function, the argument and what was given."""
import numbers


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


_LIMITS = {"max_nodes": (1, True), "max_fanout": (1, True), "max_values": (0, False), "precision": (1, False),
           "max_elements": (1, False)}


def limits(who, **values):
    """Check the size limits a drawing takes (max_nodes=, max_values=, ...), each by its own rule."""
    for name, value in values.items():
        count(value, name, who, *_LIMITS[name])
