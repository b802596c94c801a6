"""Saving and loading under threads, faults and bad files (issue 18): file modes never depend on
another thread's timing, a failed save names the target and leaves no temporary file, and a
loaded file is bounded and checked field by field before anything is allocated. Real files in
temporary folders, real threads, real subprocesses."""

from __future__ import annotations

import io
import json
import os
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import warnings
import zipfile

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from stepgrad.cli.paths import write_output
from stepgrad.nn import MLP
from stepgrad.optim import OPTIMIZERS, Adam
from stepgrad.saving import ModelFileError, load, save
from stepgrad.saving.model_file import META

# ------------------------------------------------------------------ helpers


def trained_adam(seed=0):
    """A 3-4-2 MLP and an Adam that has taken three steps (non-zero moments, t = 3)."""
    model = MLP([3, 4, 2], seed=seed)
    opt = Adam(model.parameters(), lr=0.01)
    X = np.random.default_rng(seed).normal(size=(5, 3))
    for _ in range(3):
        opt.zero_grad()
        (model(X) ** 2).sum().backward()
        opt.step()
    return model, opt


def npy(array=None, header: dict | None = None) -> bytes:
    """An .npy member's bytes: an array, or just a header declaring anything."""
    buf = io.BytesIO()
    if header is not None:
        np.lib.format.write_array_header_1_0(buf, header)
    else:
        np.lib.format.write_array(buf, np.asarray(array), allow_pickle=False)
    return buf.getvalue()


def meta_bytes(meta) -> bytes:
    raw = meta if isinstance(meta, bytes) else json.dumps(meta).encode()
    return npy(np.frombuffer(raw, dtype=np.uint8))


def members_of(path) -> dict:
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def write_zip(path, members, deflate=()):
    """A zip of ``{name: bytes}`` (a list of pairs allows two of one name)."""
    items = members.items() if isinstance(members, dict) else members
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")           # zipfile's "Duplicate name"
        with zipfile.ZipFile(path, "w") as z:
            for name, data in items:
                kind = zipfile.ZIP_DEFLATED if name in deflate else zipfile.ZIP_STORED
                z.writestr(name, data, compress_type=kind)
    return path


def with_meta(src, dst, change):
    """Copy a saved model, with ``change(meta)`` applied to its metadata."""
    members = members_of(src)
    meta = json.loads(np.load(io.BytesIO(members[META + ".npy"])).tobytes())
    change(meta)
    members[META + ".npy"] = meta_bytes(meta)
    return write_zip(dst, members)


def temporaries(folder) -> list:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# -------------------------------------------------------------- file modes


def test_file_modes_under_threads_never_depend_on_a_save_elsewhere(tmp_path, monkeypatch):
    """umask 077: files made by other threads while saves run are 0600, never 0666; and
    save never calls os.umask at all (the race is rare, the call is what makes it)."""
    model = MLP([2, 3, 1], seed=0)
    old, interval = os.umask(0o077), sys.getswitchinterval()
    sys.setswitchinterval(1e-6)                               # threads interleave finely
    try:
        stop, bad, made = threading.Event(), [], []

        def create(k):
            n = 0
            while not stop.is_set():
                p = tmp_path / f"other-{k}-{n}"
                with open(p, "w"):
                    pass
                mode = stat.S_IMODE(p.stat().st_mode)
                if mode != 0o600:
                    bad.append((p.name, oct(mode)))
                p.unlink()
                n += 1
            made.append(n)

        calls = []
        real_umask = os.umask
        monkeypatch.setattr(os, "umask", lambda m: calls.append(m) or real_umask(m))
        threads = [threading.Thread(target=create, args=(k,)) for k in range(3)]
        for t in threads:
            t.start()
        for i in range(400):                                  # each a new file
            save(model, tmp_path / f"m{i}.npz")
            if i >= 5:
                (tmp_path / f"m{i}.npz").unlink()
        stop.set()
        for t in threads:
            t.join()
        monkeypatch.undo()
        assert calls == [] and os.umask(0o077) == 0o077       # never read, never changed
    finally:
        os.umask(old)
        sys.setswitchinterval(interval)
    assert bad == [] and sum(made) > 400
    assert {stat.S_IMODE((tmp_path / f"m{i}.npz").stat().st_mode) for i in range(5)} == {0o600}


def test_a_new_file_gets_the_umask_and_a_replaced_one_keeps_its_mode(tmp_path):
    model = MLP([2, 3, 1], seed=0)
    old = os.umask(0o022)
    try:
        save(model, tmp_path / "new.npz")
        (tmp_path / "kept.npz").write_bytes(b"old")
        os.chmod(tmp_path / "kept.npz", 0o640)
        save(model, tmp_path / "kept.npz")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.npz").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "kept.npz").stat().st_mode) == 0o640



def test_the_commands_pictures_get_the_umask_and_keep_a_replaced_files_mode(tmp_path):
    """An SVG or HTML the command writes is a file like any other: 0666 less the umask when
    new (it was 0600, mkstemp's mode), its old mode when replaced."""
    old = os.umask(0o022)
    try:
        write_output(tmp_path / "graph.svg", b"<svg/>")
        (tmp_path / "kept.svg").write_bytes(b"old")
        os.chmod(tmp_path / "kept.svg", 0o640)
        write_output(tmp_path / "kept.svg", b"<svg/>")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "graph.svg").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "kept.svg").stat().st_mode) == 0o640
    assert (tmp_path / "kept.svg").read_bytes() == b"<svg/>"

# ------------------------------------------------ failed saves, temporaries


def test_a_missing_folder_is_named_with_the_target_never_the_temporary(tmp_path):
    target = tmp_path / "nowhere" / "m.npz"
    with pytest.raises(FileNotFoundError) as e:
        save(MLP([2, 1]), target)
    assert str(target) in str(e.value) and "nowhere does not exist" in str(e.value)
    assert ".tmp" not in str(e.value) and e.value.filename == str(target)


def test_a_read_only_folder_is_named_with_the_target_never_the_temporary():
    """/sys refuses new files even to root: a real read-only folder on Linux."""
    try:
        os.close(os.open("/sys/.stepgrad-probe", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        os.unlink("/sys/.stepgrad-probe")
        pytest.skip("/sys takes new files here")
    except PermissionError:
        pass
    except OSError:
        pytest.skip("no /sys to try")
    with pytest.raises(PermissionError) as e:
        save(MLP([2, 1]), "/sys/m.npz")
    assert e.value.filename == "/sys/m.npz" and "Permission denied" in str(e.value)
    assert "cannot save /sys/m.npz" in str(e.value) and ".tmp" not in str(e.value)


def test_a_save_that_fails_removes_its_temporary_and_names_the_target(tmp_path):
    """A real write error (files over 8 kB fail, as on a full disk) in another process."""
    target = tmp_path / "m.npz"
    save(MLP([2, 1], seed=1), target)
    good = target.read_bytes()
    code = ("import resource\nfrom stepgrad.nn import MLP\nfrom stepgrad.saving import save\n"
            "resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192))\n"
            f"try:\n    save(MLP([40, 40, 2]), {str(target)!r})\n"
            "except OSError as e:\n    print(e.filename, '|', e.strerror)\n")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert p.stdout.strip() == f"{target} | File too large", p.stdout + p.stderr
    assert target.read_bytes() == good and temporaries(tmp_path) == []


def test_a_killed_save_leaves_a_temporary_that_the_next_save_names(tmp_path):
    target = tmp_path / "big.npz"
    code = ("from stepgrad.nn import MLP\nfrom stepgrad.saving import save\n"
            "m = MLP([1000, 1000, 2], seed=0)\nprint('ready', flush=True)\n"
            f"while True:\n    save(m, {str(target)!r})\n")
    left = []
    for _ in range(20):                                       # kill it in the middle of a write
        p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
        assert p.stdout.readline() == "ready\n"
        deadline = time.monotonic() + 30
        while not temporaries(tmp_path) and time.monotonic() < deadline:
            time.sleep(0.001)
        p.send_signal(signal.SIGKILL)
        p.wait()
        left = temporaries(tmp_path)
        if left:
            break
    assert left, "never caught a save in the middle of its write"
    time.sleep(1.1)                      # a temporary file is stale once unlocked for 1 s
    with pytest.warns(UserWarning, match=rf"{left[0]} \([\d,]+ bytes\) is left from an earlier "
                                         rf"save of .*big.npz that was killed"):
        save(MLP([2, 1]), target)
    assert load(target).sizes == [2, 1]


def test_a_running_save_is_never_reported_as_stale(tmp_path):
    target = tmp_path / "m.npz"
    model = MLP([300, 300, 2], seed=0)
    stop = threading.Event()

    def keep_saving():
        while not stop.is_set():
            save(model, target)

    t = threading.Thread(target=keep_saving)
    t.start()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")                    # a stale report would raise
            for _ in range(100):
                save(model, tmp_path / "m.npz")
    finally:
        stop.set()
        t.join()
    assert temporaries(tmp_path) == []


# ------------------------------------------------- read-only files, symlinks


def test_a_read_only_file_is_never_replaced(tmp_path):
    target = tmp_path / "m.npz"
    save(MLP([2, 1], seed=1), target)
    os.chmod(target, 0o444)
    good = target.read_bytes()
    with pytest.raises(PermissionError, match=r"m.npz: it is read-only \(mode 0444\); not "
                                              r"replacing it: make it writable"):
        save(MLP([2, 1], seed=2), target)
    assert target.read_bytes() == good and temporaries(tmp_path) == []


def test_saving_through_a_symlink_replaces_the_file_it_points_to(tmp_path):
    real, link = tmp_path / "real.npz", tmp_path / "link.npz"
    save(MLP([2, 1], seed=1), real)
    link.symlink_to(real)
    new = MLP([2, 3, 1], seed=2)
    save(new, link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert load(real).sizes == [2, 3, 1] and load(link).sizes == [2, 3, 1]
    dangling = tmp_path / "dangling.npz"
    dangling.symlink_to(tmp_path / "later.npz")
    save(new, dangling)
    assert dangling.is_symlink() and load(tmp_path / "later.npz").sizes == [2, 3, 1]
    device = tmp_path / "null.npz"
    device.symlink_to("/dev/null")
    with pytest.raises(ValueError, match=r"null.npz \(a link to /dev/null\): it is not a "
                                         r"regular file"):
        save(new, device)
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert temporaries(tmp_path) == []


# ------------------------------------------------------------ bounded loading


def good_members(sizes=(2, 3, 1)):
    model = MLP(list(sizes), seed=0)
    buf = tempfile.NamedTemporaryFile(suffix=".npz", delete=False)
    buf.close()
    save(model, buf.name)
    members = members_of(buf.name)
    os.unlink(buf.name)
    return members


def test_a_declared_shape_that_does_not_fit_the_sizes_is_refused_before_allocating(tmp_path):
    members = good_members((6, 9, 2))
    members["w1.npy"] = npy(header={"descr": "<f8", "fortran_order": False,
                                    "shape": (10**6, 10**6)})
    start = time.perf_counter()
    with pytest.raises(ModelFileError, match=r"w1 is float64 of shape \(1000000, 1000000\), "
                                             r"sizes \[6, 9, 2\] need float64 of shape \(7, 9\)"):
        load(write_zip(tmp_path / "big.npz", members))
    meta = json.loads(np.load(io.BytesIO(members[META + ".npy"])).tobytes())
    meta["sizes"] = [999_999, 1_000_000]                     # sizes that agree: still no
    members[META + ".npy"] = meta_bytes(meta)
    members.pop("w2.npy")
    with pytest.raises(ModelFileError, match=r"member w1.npy is \d+ bytes in the zip directory, "
                                             r"but its header declares 8,000,000,000,128"):
        load(write_zip(tmp_path / "big2.npz", members))
    assert time.perf_counter() - start < 5


def test_a_small_file_that_inflates_a_thousandfold_is_refused(tmp_path):
    members = good_members((2, 3))
    meta = json.loads(np.load(io.BytesIO(members[META + ".npy"])).tobytes())
    members[META + ".npy"] = meta_bytes({**meta, "sizes": [2000, 2000]})
    members["w1.npy"] = npy(np.zeros((2001, 2000)))          # 32 MB of zeros
    path = write_zip(tmp_path / "bomb.npz", members, deflate={"w1.npy"})
    assert path.stat().st_size < 200_000
    with pytest.raises(ModelFileError, match=r"member w1.npy inflates from [\d,]+ to "
                                             r"32,016,128 bytes \(over 100×"):
        load(path)


def test_metadata_nested_5000_deep_is_refused_without_recursion(tmp_path):
    members = good_members()
    members[META + ".npy"] = meta_bytes(b"[" * 5000 + b"]" * 5000)
    with pytest.raises(ModelFileError, match=r"member meta.json.npy is JSON nested 5,000 deep"):
        load(write_zip(tmp_path / "deep.npz", members))


def test_an_npy_header_over_10kB_is_reported_as_such_not_as_a_pickle(tmp_path):
    members = good_members()
    text = "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 3), }"
    text = text.ljust(12_000) + "\n"
    members["w1.npy"] = b"\x93NUMPY\x01\x00" + len(text).to_bytes(2, "little") + text.encode()
    with pytest.raises(ModelFileError, match=r"member w1.npy has an .npy header of 12,001 bytes, "
                                             r"over the safe limit of 10,000") as e:
        load(write_zip(tmp_path / "header.npz", members))
    assert "pickle" not in str(e.value)


def test_two_members_of_one_name_are_refused_naming_it(tmp_path):
    members = list(good_members().items())
    members.append(("w1.npy", npy(np.ones((3, 3)))))
    with pytest.raises(ModelFileError, match=r"holds two members named w1.npy"):
        load(write_zip(tmp_path / "dup.npz", members))


def test_nan_weights_are_refused_naming_the_member(tmp_path):
    model = MLP([2, 3, 1], seed=0)
    model.layers[1].weight.data[2, 0] = np.nan
    save(model, tmp_path / "m.npz")
    with pytest.raises(ModelFileError, match=r"m.npz: member w2.npy holds nan at \[2, 0\]; a "
                                             r"model's weights must be finite"):
        load(tmp_path / "m.npz")


# --------------------------------------------------- optimizer metadata


def _hyper(key, value):
    return lambda m: m["optimizer"]["hyper"].__setitem__(key, value)


def _step(value):
    return lambda m: m["optimizer"]["scalars"][0].__setitem__("step", value)


@pytest.mark.parametrize("change, says", [
    (_hyper("momentum", 0.9), r"optimizer.hyper.momentum is not a hyperparameter of Adam "
                              r"\(it takes lr, betas, eps, weight_decay\)"),
    (lambda m: m["optimizer"].pop("hyper"), r"optimizer lacks hyper"),
    (lambda m: m["optimizer"]["hyper"].pop("eps"), r"optimizer.hyper lacks eps"),
    (lambda m: m.__setitem__("optimizer", [1, 2]), r"optimizer is list; expected an object"),
    (lambda m: m["optimizer"]["scalars"].__setitem__(1, ["step", 3]),
     r"optimizer.scalars\[1\] is \['step', 3\]; expected an object"),
    (_hyper("lr", -1), r"optimizer.hyper.lr is -1; μ must be a finite number > 0"),
    (_hyper("lr", float("inf")), r"optimizer.hyper.lr is inf; μ must be a finite number > 0"),
    (_hyper("lr", 0), r"optimizer.hyper.lr is 0; μ must be"),
    (_hyper("betas", [0.9]), r"optimizer.hyper.betas is \[0.9\]; Adam needs two numbers"),
    (_hyper("betas", [0.9, 1.5]), r"optimizer is not valid: betas\[1\] must be in \[0, 1\)"),
    (_step("x"), r"optimizer.scalars\[0\].step is 'x'; a step count t is an integer >= 0"),
    (_step(-5), r"optimizer.scalars\[0\].step is -5; a step count"),
    (_step(1.5), r"optimizer.scalars\[0\].step is 1.5; a step count"),
    (lambda m: m["optimizer"].__setitem__("name", "Adamax"),
     r"optimizer.name is 'Adamax', not an optimizer of stepgrad"),
])
def test_bad_optimizer_metadata_is_refused_at_load_naming_the_file_and_field(
        tmp_path, change, says):
    model, opt = trained_adam()
    save(model, tmp_path / "m.npz", optimizer=opt)
    bad = with_meta(tmp_path / "m.npz", tmp_path / "bad.npz", change)
    with pytest.raises(ModelFileError, match=says) as e:
        load(bad, optimizer=True)
    assert str(e.value).startswith(f"{bad}: ")
    assert load(bad).sizes == [3, 4, 2]                       # the weights alone still load


@pytest.mark.parametrize("field, value, says", [
    ("first_moment", np.nan, r"optimizer.0.first_moment holds nan at \[1, 2\]; state must be "
                             r"finite"),
    ("second_moment", -1e-3, r"optimizer.0.second_moment holds -0.001 at \[1, 2\]; a sum or "
                             r"mean of g² is never negative"),
])
def test_nan_or_negative_optimizer_state_is_refused(tmp_path, field, value, says):
    model, opt = trained_adam()
    opt.state[0] = opt.state[0]._replace(**{field: opt.state[0]._asdict()[field].copy()})
    getattr(opt.state[0], field)[1, 2] = value
    save(model, tmp_path / "m.npz", optimizer=opt)
    with pytest.raises(ModelFileError, match=says):
        load(tmp_path / "m.npz", optimizer=True)


# ------------------------------------------------------------- round trips


@given(sizes=st.lists(st.integers(1, 5), min_size=2, max_size=4),
       hidden=st.sampled_from(["tanh", "relu", "sigmoid", "identity"]),
       output=st.sampled_from(["identity", "sigmoid", "softmax"]),
       name=st.sampled_from(sorted(OPTIMIZERS)),
       steps=st.integers(0, 3), seed=st.integers(0, 2**16))
def test_random_models_and_optimizers_come_back_bit_identical(sizes, hidden, output, name,
                                                              steps, seed):
    model = MLP(sizes, hidden=hidden, output=output, seed=seed)
    opt = OPTIMIZERS[name](model.parameters(), lr=0.01)
    X = np.random.default_rng(seed).normal(size=(4, sizes[0]))
    for _ in range(steps):
        opt.zero_grad()
        (model(X) ** 2).sum().backward()
        opt.step()
    with tempfile.TemporaryDirectory() as folder:
        back, opt2 = load(save(model, f"{folder}/m.npz", optimizer=opt), optimizer=True)
    for w, w2 in zip(model.parameters(), back.parameters()):
        assert w.data.tobytes() == w2.data.tobytes() and w.data.shape == w2.data.shape
    assert type(opt2) is type(opt) and opt2.hyper == opt.hyper
    for s, s2 in zip(opt.state, opt2.state):
        for a, b in zip(s, s2):
            assert np.asarray(a).tobytes() == np.asarray(b).tobytes()
    assert model(X).data.tobytes() == back(X).data.tobytes()
