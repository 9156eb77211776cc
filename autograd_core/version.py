"""In-place modification tracking.

`epoch` counts in-place ops since start. A node records the epoch when it was made; a tensor modified in place
records the epoch of its last modification. At backward, a saved input or output whose modification epoch is
later than the node's was changed after it was saved, and the gradient would silently use the new values.
"""
epoch = 0


def bump(t):
    """Mark t (and the tensors it was detached from, which share its memory) as modified in place."""
    global epoch
    epoch += 1
    while t is not None:
        t._version += 1
        t._modified_at = epoch
        t = t._base


def modified_since(t, node_epoch):
    return t._modified_at > node_epoch
