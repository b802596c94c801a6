"""The pool of reusable arrays (autograd/buffers.py, issue 20): a block is lent to the arrays
made from it and comes back only when every one of them is gone (no reference count is
read), and the pool stays bounded however many shapes a training run asks for."""

from __future__ import annotations

import gc
import inspect
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from stepgrad.autograd import Tensor, buffers
from stepgrad.autograd.buffers import reusable
from stepgrad.nn import MLP, cross_entropy
from stepgrad.optim import SGD

SHAPE = (128, 256)  # above the threshold the tests set: pooled


@pytest.fixture(autouse=True)
def small_pool(monkeypatch):
    """The pool's threshold lowered to 16,384 entries, so that the layer-sized arrays of
    these tests come from it, as a large model's do."""
    monkeypatch.setattr(buffers, "REUSE_MIN", 16384)


def _block_of(a):
    return a.base.block if isinstance(a.base, buffers.Lease) else a.base.base.block


def test_the_pool_reads_no_reference_count():
    source = inspect.getsource(buffers)
    assert "getrefcount" not in source and "sys." not in source


def test_a_live_array_is_never_handed_out_again():
    buffers.clear()
    live = [reusable(SHAPE, np.float64) for _ in range(20)]
    for i, a in enumerate(live):
        a.fill(i)
    more = [reusable(SHAPE, np.float64) for _ in range(20)]
    for b in more:
        b.fill(-1.0)
        assert not any(np.shares_memory(a, b) for a in live)
    assert all((a == i).all() for i, a in enumerate(live))  # nothing written over


def test_a_view_keeps_its_block_lent_and_the_block_comes_back_when_the_last_view_goes():
    buffers.clear()
    a = reusable(SHAPE, np.float64)
    block = _block_of(a)
    views = [a.T, a[1:], a.reshape(-1), memoryview(a)]
    del a
    gc.collect()
    for _ in range(3):  # while any view lives, the block is not handed out
        b = reusable(SHAPE, np.float64)
        assert not np.shares_memory(b, block)
        del b
    while views:
        views.pop()
        c = reusable(SHAPE, np.float64)
        assert np.shares_memory(c, block) == (not views)
        del c


def test_a_training_steps_arrays_are_reused_and_kept_results_are_never_overwritten():
    buffers.clear()
    rng = np.random.default_rng(0)
    model = MLP([20, 256, 10], hidden="relu", output="identity", seed=0)
    opt = SGD(model.parameters(), lr=0.1)
    X, y = rng.normal(size=(128, 20)), rng.integers(0, 10, 128)
    kept, copies = [], []
    for _ in range(5):
        opt.zero_grad()
        H = model.layers[0](X)  # a result the user keeps across steps
        loss = cross_entropy(model.layers[1](H), y, from_logits=True)
        loss.backward()
        opt.step()
        kept.append(H)
        copies.append(H.data.copy())
    for _ in range(5):  # more steps whose graphs are freed: their blocks are reused
        opt.zero_grad()
        cross_entropy(model(X), y, from_logits=True).backward()
        opt.step()
    assert buffers.free_bytes() > 0
    for H, c in zip(kept, copies):
        assert np.array_equal(H.data, c)


def test_a_tensors_data_from_the_pool_behaves_as_any_array():
    a = Tensor(np.ones(SHAPE)).tanh()
    assert isinstance(a.data.base, buffers.Lease) and a.data.flags.writeable
    assert a.data.shape == SHAPE and a.data.dtype == np.float64
    assert np.allclose(a.data, np.tanh(1.0))


GROWTH = textwrap.dedent("""
    import gc
    import numpy as np
    from stepgrad.autograd import buffers
    from stepgrad.nn import MLP, cross_entropy
    from stepgrad.optim import SGD

    buffers.REUSE_MIN = 16384  # as the tests' fixture: (n, 64) is pooled from n = 256 on

    def rss():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * 4096

    model = MLP([8, 64, 10], hidden="relu", output="identity", seed=0)
    opt = SGD(model.parameters(), lr=0.01)
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(2000, 8)), rng.integers(0, 10, 2000)

    def step(n):
        opt.zero_grad()
        cross_entropy(model(X[:n]), y[:n], from_logits=True).backward()
        opt.step()

    step(2000)
    step(64)
    gc.collect()
    before = rss()
    for n in range(64, 2001):  # every batch size: (n, 64) is pooled from n = 256 on
        step(n)
    gc.collect()
    print((rss() - before) / 2**20)
""")


@pytest.mark.slow
def test_training_over_every_batch_size_from_64_to_2000_grows_the_process_by_under_100_mb():
    """Memory, not time: the pool keeps at most KEEP_BYTES of free blocks over all shapes."""
    if not sys.platform.startswith("linux"):
        pytest.skip("reads the resident set size from /proc/self/statm (Linux)")
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    done = subprocess.run([sys.executable, "-c", GROWTH], capture_output=True, text=True,
                          timeout=600, check=True, env=env)  # one BLAS thread: quick on 2 cores
    grown_mb = float(done.stdout.split()[-1])
    assert grown_mb < 100, f"the process grew by {grown_mb:.1f} MB"
