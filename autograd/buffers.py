"""Large arrays reused across training steps instead of made anew.

A training step makes the same large arrays every time (a layer's output, its
gradient), and a graph keeps them all until the step ends. Freed together,
glibc hands that memory back to the kernel, and the next step faults every
page in again: on a VM that costs more than the arithmetic. The ops and the
Tensor fast path write their large results into :func:`reusable` arrays
instead, whose memory stays in the process.

Who owns a block of memory is what Python already knows, not a guess:

* :func:`reusable` hands out an array whose memory is a *block* of the pool,
  lent through a :class:`Lease`, a small object that numpy records as the
  array's ``base``. Every array that reads that memory (the array, its views,
  reshapes and transposes, a memoryview of it) keeps the lease alive through
  its chain of bases.
* When the last of them is freed, Python frees the lease, and the lease gives
  its block back to the pool (``Lease.__del__``). A block is therefore handed
  out again only when no array can read or write it any more, by the
  interpreter's own object lifetimes: no reference count is read, and a
  lease kept alive longer (a reference cycle, another interpreter's
  collector) only delays the block's return, never hands it out early.

The pool is bounded: it keeps at most :data:`KEEP_PER_SHAPE` free blocks of
one shape and dtype and :data:`KEEP_BYTES` of free blocks over all shapes,
dropping the least recently returned shapes first; a block it does not keep
is freed as any array. Blocks in use belong to the arrays that use them.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["reusable", "Lease", "ZeroGrad", "free_bytes", "clear", "REUSE_MIN", "KEEP_PER_SHAPE",
           "KEEP_BYTES"]

# arrays of at least this many entries (1 MiB of float64) come from the pool. Measured
# (benchmarks/README.md, issue 20): (10000, 16) arrays, freed at a step's end, fault their
# pages in again when made new (the moons MLP: 0.77x the numpy floor pooled, 1.4x new);
# arrays of 160-720 KiB (the course MLP's (200, 100), MNIST's (128, 256), the 6-9-2's
# (10000, 9)) are as quick or quicker from malloc, whose just-freed block is warmer
REUSE_MIN = 2**17
KEEP_PER_SHAPE = 8  # free blocks kept per (shape, dtype)
KEEP_BYTES = 16 * 2**20  # free blocks kept over all shapes, in bytes

# (shape, dtype) -> [(block, interface)], the least recently returned shape first
_FREE: dict[tuple, list] = {}
_free_bytes = [0]
_new = object.__new__
_asarray = np.asarray
_empty = np.empty


class Lease:
    """The loan of one block of the pool to the arrays made from it.

    numpy makes the handed-out array from ``__array_interface__`` (the block's
    address, shape and dtype) and records the lease as its ``base``; the
    lease holds the block. Freed with the last array that uses the block, it
    returns the block to the pool.
    """

    __slots__ = ("__array_interface__", "block", "key")
    __array_interface__: dict
    block: np.ndarray
    key: tuple

    def __del__(self):
        try:
            _give_back(self.key, self.block, self.__array_interface__)
        except Exception:  # interpreter shutdown: module globals already gone
            pass


def reusable(shape: tuple, dtype):
    """An uninitialised array to write a large result into, its memory reused across steps.

    The array is a view of a free block of the pool (a new block when none of
    this shape is free), lent by a :class:`Lease`; the block comes back when
    the array and every view of it are gone. Small arrays (below
    :data:`REUSE_MIN` entries) are made new.
    """
    if math.prod(shape) < REUSE_MIN:
        return _empty(shape, dtype)
    key = (shape, dtype)
    free = _FREE.get(key)
    if free:
        block, interface = free.pop()
        _free_bytes[0] -= block.nbytes
    else:
        block = _empty(shape, dtype)
        interface = block.__array_interface__
    lease = _new(Lease)
    lease.__array_interface__ = interface
    lease.block = block
    lease.key = key
    return _asarray(lease)


def _give_back(key: tuple, block: np.ndarray, interface: dict) -> None:
    """Keep a returned block for the next :func:`reusable` of its shape, within the bounds."""
    nbytes = block.nbytes
    if nbytes > KEEP_BYTES:
        return
    free = _FREE.pop(key, None)  # re-inserted last: the most recently returned shape
    if free is None:
        free = []
    if len(free) < KEEP_PER_SHAPE:
        free.append((block, interface))
        _free_bytes[0] += nbytes
    _FREE[key] = free
    while _free_bytes[0] > KEEP_BYTES:  # drop the least recently returned shapes' blocks
        oldest = next(iter(_FREE))
        blocks = _FREE[oldest]
        if blocks:
            _free_bytes[0] -= blocks.pop()[0].nbytes
        if not blocks:
            del _FREE[oldest]


def free_bytes() -> int:
    """The bytes of the free blocks the pool keeps now (at most :data:`KEEP_BYTES`)."""
    return _free_bytes[0]


def clear() -> None:
    """Drop every free block (blocks in use come back later, within the bounds)."""
    _FREE.clear()
    _free_bytes[0] = 0


class ZeroGrad:
    """A leaf Tensor's gradient right after ``zero_grad``: zeros, not yet written.

    ``zero_grad`` leaves this mark instead of filling the gradient array with
    zeros; the backward pass then *sets* the leaf's gradient to its first
    contribution (0 + c = c) instead of adding it to zeros, which saves two
    passes over a weight-sized array per step. Reading ``grad`` before that
    gives zeros, written into ``buffer`` (the array the leaf had, kept so that
    ``grad`` stays the same array across steps where it can) or a new array.
    """

    __slots__ = ("buffer",)

    def __init__(self, buffer: np.ndarray | None):
        self.buffer = buffer

    def zeros(self, like: np.ndarray) -> np.ndarray:
        """The zeros this mark stands for: the buffer filled, or a new array like ``like``."""
        buf = self.buffer
        if (type(buf) is np.ndarray and buf.shape == like.shape and buf.dtype == like.dtype
                and buf.flags.writeable):
            buf.fill(0.0)
            return buf
        return np.zeros_like(like)
