"""How much memory training a model takes, estimated before anything is allocated, so that
``--layers 3,100000000,2`` is refused with the number instead of swapping for minutes.

A model with sizes F, H, …, M has W = Σ_l (n_l + 1)·n_{l+1} weights (the +1 is the
bias row w_0h). Training keeps each weight in float64 (8 bytes) up to five times:
w itself, ∂L/∂w, an optimizer's two moments (Adam's m and v) and one temporary
array of the update; a batch of B rows keeps about four numbers per unit and row
(u_h, α_h and their gradients).
"""

from __future__ import annotations

import os

__all__ = ["COPIES", "weight_count", "training_bytes", "available_bytes", "readable_bytes"]

COPIES = 5
"""float64 arrays of each weight's size that training keeps (w, ∂L/∂w, m, v, a temporary)."""


def weight_count(sizes) -> int:
    """W = Σ_l (n_l + 1)·n_{l+1}: the weights of MLP(sizes), biases included."""
    return sum((a + 1) * b for a, b in zip(sizes, sizes[1:]))


def training_bytes(sizes, batch_rows: int) -> int:
    """The estimated peak memory of training MLP(sizes) on batches of ``batch_rows`` rows."""
    return 8 * (COPIES * weight_count(sizes) + 4 * batch_rows * sum(sizes))


def available_bytes() -> int | None:
    """Memory the system can give without swapping (MemAvailable), or None if unknown."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def readable_bytes(n: float) -> str:
    """``1.5 GB``, ``320 MB``, ``12 kB`` (powers of 1000, as disks and /proc's users say)."""
    for unit, size in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{int(n)} bytes"
