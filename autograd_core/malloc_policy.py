"""An opt-in memory-allocator policy (glibc only): keep freed heap memory for the next op instead of returning it.
Importing the engine never sets it; a program calls `keep_freed_memory()`.

Why: every op makes fresh NumPy arrays, and an LSTM step makes and frees dozens of 16-64 KiB ones. glibc's malloc
gives the top of its heap back to the kernel as soon as 128 KiB lie free there, so the next op's arrays fault their
pages in again (the kernel zeroes each one). How much that costs depends on the program (since the fused LSTM
step, benchmarks/run.py's LSTM shows no difference either way): measure before opting in. The cost is that
up to TRIM_THRESHOLD bytes of freed memory stay with the process; `release_freed_memory()` gives them back.
PyTorch in the same process is not slowed by it (its figures in benchmarks/run.py are those without the policy).
"""

from __future__ import annotations

import ctypes
import os

__all__ = ["keep_freed_memory", "release_freed_memory"]

TRIM_THRESHOLD = 64 << 20  # keep up to 64 MiB free at the top of the heap (glibc: 128 KiB)
TOP_PAD = 16 << 20  # grow the heap 16 MiB at a time (glibc: 128 KiB)
# Setting either of those turns off glibc's sliding mmap threshold (which rises to 32 MiB as large blocks are
# freed), and every block over 128 KiB would then be a fresh mmap whose pages fault in: keep glibc's upper value.
MMAP_THRESHOLD = 32 << 20
_M_TRIM_THRESHOLD, _M_TOP_PAD, _M_MMAP_THRESHOLD = -1, -2, -3  # mallopt's parameter numbers (glibc's malloc.h)


def _libc():
    """The C library of this process when it is glibc (mallopt is glibc's), else None."""
    try:
        if not os.confstr("CS_GNU_LIBC_VERSION"):
            return None
    except (AttributeError, ValueError, OSError):  # not a glibc system
        return None
    return ctypes.CDLL(None)  # the symbols already loaded: libc's among them (ctypes.util would cost 7 ms of import)


def keep_freed_memory(
    trim_threshold: int = TRIM_THRESHOLD, top_pad: int = TOP_PAD, mmap_threshold: int = MMAP_THRESHOLD
) -> bool:
    """Ask glibc to keep freed memory for reuse; True if it was asked (False elsewhere: nothing to do)."""
    return _set(trim_threshold, top_pad, mmap_threshold)


def _set(trim_threshold, top_pad, mmap_threshold):
    libc = _libc()
    if libc is None:
        return False
    return all(
        [
            libc.mallopt(_M_TRIM_THRESHOLD, trim_threshold),
            libc.mallopt(_M_TOP_PAD, top_pad),
            libc.mallopt(_M_MMAP_THRESHOLD, mmap_threshold),
        ]
    )


def release_freed_memory() -> bool:
    """Give the freed memory the process keeps back to the kernel (glibc's malloc_trim); True if done."""
    libc = _libc()
    return bool(libc.malloc_trim(0)) if libc is not None else False
