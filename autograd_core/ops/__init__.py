"""The primitive ops: each a `Function` with forward and backward side by side."""

__all__: list[str] = []
