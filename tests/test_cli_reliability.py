"""The command and CSV files under bad input and faults (issue 18): every case ends in one line
naming the file, option or value and the fix, or in the right result; never a traceback, a
silent change or a half-written output. Real files in temporary folders, real subprocesses,
real signals."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pytest

from stepgrad.cli import staging
from stepgrad.cli.console import spell
from stepgrad.cli.demo import FILES, MARK
from stepgrad.cli.main import main
from stepgrad.cli.memory import available_bytes, readable_bytes, training_bytes, weight_count
from stepgrad.nn.data import CSVError, Standardizer, load_csv
from stepgrad.saving import load


def one_line(capsys, argv, *says, code=2):
    """Run the command in this process; it must print one line on stderr naming ``says``."""
    assert main(argv) == code
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    for s in says:
        assert s in err, err
    return err


def csv_file(tmp_path, text, name="t.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def rows(n=40, seed=0):
    """``a,b,label`` rows of two classes, cat and dog."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    return [f"{a:.4f},{b:.4f},{'cat' if a + b > 0 else 'dog'}" for a, b in X]


def child(*argv, env=None, encoding="utf-8", preexec_fn=None, **kw):
    """``python -m stepgrad argv…`` as its own process, with the tests' PYTHONPATH.

    Its Ctrl-C (SIGINT) is the default one even where the suite itself was started with
    SIGINT ignored (a background job of a shell, as a CI script may be): Python then
    installs no KeyboardInterrupt handler, and the tests' Ctrl-C would do nothing.
    """
    def start():
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        if preexec_fn is not None:
            preexec_fn()

    return subprocess.Popen([sys.executable, "-m", "stepgrad", *argv], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, encoding=encoding,
                            env={**os.environ, **(env or {})}, preexec_fn=start, **kw)


# ------------------------------------------------------------------ the CSV reader


def test_a_cell_over_csvs_field_limit_is_one_line_naming_the_line(tmp_path, capsys):
    path = csv_file(tmp_path, "a,label\n1,cat\n" + "2" * 200_000 + ",dog\n")
    with pytest.raises(CSVError, match=r"line 3: a cell longer than 131,072 characters"):
        load_csv(path, target="label")
    one_line(capsys, ["train", "--data", str(path), "--target", "label", "--out",
                      str(tmp_path / "m")], "t.csv, line 3", "131,072")
    assert not (tmp_path / "m").exists()


def test_an_unterminated_quote_never_merges_rows(tmp_path):
    for text, says in [('a,label\n1,"cat\n2,dog\n3,cat\n', "line 2: a quote opened here is "
                                                           "never closed"),
                       ('a,label\n1,"cat\n2,"dog"\n3,cat\n', "line 2: not valid CSV"),
                       ('a,label\n1,"cat\n2,dog\n3,"\n', "line 2, column 2: a quoted cell "
                                                         "runs over lines 2-4")]:
        with pytest.raises(CSVError, match=says):
            load_csv(csv_file(tmp_path, text), target="label")
    kept = load_csv(csv_file(tmp_path, 'a,label\n1,"two\nlines"\n2,x\n'), target="label")
    assert kept.classes == ("two\nlines", "x") and kept.X.tolist() == [[1.0], [2.0]]


def test_a_utf8_byte_order_mark_is_skipped(tmp_path, capsys):
    text = "\ufeffa,b,label\n" + "\n".join(rows()) + "\n"
    data = load_csv(csv_file(tmp_path, text), target="label")
    assert data.features == ("a", "b") and data.classes == ("cat", "dog")
    data = load_csv(csv_file(tmp_path, "\ufeffa,b\n1,2\n"), target="a")
    assert data.X.tolist() == [[2.0]] and data.y.tolist() == [1.0]
    assert main(["train", "--data", str(tmp_path / "t.csv"), "--target", "a", "--epochs", "1",
                 "--test", "0", "--out", str(tmp_path / "m"), "--quiet"]) == 0


def test_a_cell_of_1e300_is_standardised_right_without_a_warning(tmp_path, capsys):
    lines = ["a,b,y"] + [f"{1e300 if k == 0 else k},{k % 3},{k % 2}" for k in range(30)]
    path = csv_file(tmp_path, "\n".join(lines) + "\n")
    X = load_csv(path, target="y").X
    with warnings.catch_warnings():
        warnings.simplefilter("error")                     # numpy's overflow would raise
        scaler = Standardizer().fit(X)
        Z = scaler.transform(X)
        assert main(["train", "--data", str(path), "--target", "y", "--epochs", "2",
                     "--out", str(tmp_path / "m"), "--quiet"]) == 0
    col = X[:, 0]
    assert scaler.mean[0] == pytest.approx(np.mean(col / 1e300) * 1e300, rel=1e-12)
    assert scaler.std[0] == pytest.approx(np.std(col / 1e300) * 1e300, rel=1e-12)
    assert Z[0, 0] == pytest.approx(np.sqrt(29), rel=1e-9)    # one outlier among 30: √(N − 1)
    assert np.all(Z[1:, 0] == Z[1, 0]) and Z[1, 0] != 0       # not silently all zeros
    assert np.isfinite(load(tmp_path / "m" / "model.npz")(X).data).all()


def test_a_label_column_with_one_class_warns(tmp_path, capsys):
    path = csv_file(tmp_path, "a,b,label\n" + "\n".join(f"{k},{k % 3},cat"
                                                          for k in range(20)) + "\n")
    with pytest.warns(UserWarning, match=r"the target 'label' has one class \('cat'\)"):
        load_csv(path, target="label")
    assert main(["train", "--data", str(path), "--target", "label", "--epochs", "2",
                 "--out", str(tmp_path / "m"), "--quiet"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("stepgrad train: warning: t.csv: the target 'label' has one class")
    assert err.count("\n") == 1 and "accuracy is 100% by construction" in err


def test_a_csv_with_only_the_target_column_names_the_file_not_the_options(tmp_path, capsys):
    path = csv_file(tmp_path, "label\ncat\ndog\n")
    err = one_line(capsys, ["train", "--data", str(path), "--target", "label"],
                   "t.csv, line 1: the only column is the target 'label'",
                   "add at least one input column")
    assert "--output" not in err and "--loss" not in err


def test_a_negative_seed_is_blamed_on_seed(capsys):
    for command in (["train", "--data", "iris"], ["demo"]):
        err = one_line(capsys, [*command, "--seed", "-1"], "argument --seed",
                       "expected an integer >= 0", "'-1'")
        assert "--data" not in err


def test_a_model_too_big_for_memory_is_refused_with_the_size_it_needs(tmp_path, capsys):
    sizes = [3, 100_000_000, 2]
    need = training_bytes(sizes, 32)             # (3 + 1)·10⁸ + (10⁸ + 1)·2 weights, 5 copies
    assert weight_count(sizes) == 600_000_002 and need > 5 * 8 * 600_000_002
    if (available_bytes() or 0) > need:
        pytest.skip(f"this machine has {readable_bytes(available_bytes())} free: it fits")
    path = csv_file(tmp_path, "a,b,c,label\n" + "\n".join(
        f"{k},{k % 3},{k % 5},{'cat' if k % 2 else 'dog'}" for k in range(20)) + "\n")
    start = time.perf_counter()
    one_line(capsys, ["train", "--data", str(path), "--target", "label", "--layers",
                      "3,100000000,2", "--out", str(tmp_path / "m")],
             "--layers 3,100000000,2: 600,000,002 weights",
             f"training needs about {readable_bytes(need)} of memory", "is free: choose smaller")
    assert time.perf_counter() - start < 10 and not (tmp_path / "m").exists()


def test_train_with_lr_1e6_says_it_diverged_and_exits_non_zero(tmp_path, capsys):
    out = tmp_path / "m"
    assert main(["train", "--data", "iris", "--lr", "1e6", "--quiet", "--out", str(out)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and err[0].startswith("stepgrad train: warning: fit stopped: the loss "
                                               "grew from Q₀")
    assert err[1] == ("stepgrad train: --lr 1e+06: training diverged (μ too large: the loss grew "
                      "by an order of magnitude or overflowed); nothing was saved: lower it, "
                      "e.g. --lr 10000")
    assert not out.exists()


# ----------------------------------------------------------- output, disks, signals


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_a_terminal_that_is_not_utf8_gets_the_symbols_spelled(encoding, tmp_path):
    p = child("neuron", env={"PYTHONIOENCODING": encoding}, encoding=encoding)
    out, err = p.communicate(timeout=120)
    assert p.returncode == 0 and err == "", err
    assert "dL/dw_1 = -0.648638" in out and "epsilon" in out and "->" in out
    p = child("train", "--data", "iris", "--epochs", "2", "--quiet", "--out",
              str(tmp_path / "m"), env={"PYTHONIOENCODING": encoding}, encoding=encoding)
    out, err = p.communicate(timeout=120)
    assert p.returncode == 0 and err == "", err
    assert "(mu = 0.01)" in out
    assert sorted(f.name for f in (tmp_path / "m").iterdir()) == ["metrics.json", "model.npz"]
    assert spell("₁") == "_1" and spell("²") == "^2" and spell("½") == "1/2"


def small_disk():
    """In the child: files over 4 kB fail to grow, as on a full disk (EFBIG)."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))


def test_train_that_fails_after_its_checks_leaves_no_output_folder(tmp_path):
    out = tmp_path / "m"
    p = child("train", "--data", "iris", "--layers", "4,64,3", "--epochs", "2", "--quiet",
              "--out", str(out), preexec_fn=small_disk)       # model.npz is over 4 kB
    stdout, err = p.communicate(timeout=120)
    assert stdout.startswith("Training") and p.returncode == 1, err
    assert err == (f"stepgrad train: cannot write {out / 'model.npz'}: File too large; free "
                   "some space, or write somewhere else\n")
    assert list(tmp_path.iterdir()) == []                    # no empty folder, no hidden one


def test_ctrl_c_while_train_trains_stops_training_and_saves_what_it_has(tmp_path):
    out = tmp_path / "m"
    p = child("train", "--data", "iris", "--epochs", "100000", "--batch-size", "1", "--lr",
              "0.001", "--quiet", "--out", str(out))
    assert p.stdout.readline().startswith("Training")
    time.sleep(0.5)
    p.send_signal(signal.SIGINT)                              # fit stops between two steps
    stdout, err = p.communicate(timeout=60)
    assert p.returncode == 0 and "stopped: KeyboardInterrupt (Ctrl-C)" in stdout, stdout
    assert sorted(f.name for f in out.iterdir()) == ["metrics.json", "model.npz"]
    assert json.loads((out / "metrics.json").read_text())["epochs"] < 100000


def test_a_full_disk_is_one_line_naming_the_file(tmp_path, capsys):
    full = tmp_path / "full.svg"
    full.symlink_to("/dev/full")
    one_line(capsys, ["neuron", "--svg", str(full), "--force"], f"cannot write {full}",
             "No space left on device", "free some space", code=1)

    out = tmp_path / "demo"
    p = child("demo", "--quiet", "--epochs", "1", "--out", str(out), preexec_fn=small_disk)
    _, err = p.communicate(timeout=120)
    assert p.returncode == 1 and err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith(f"stepgrad demo: cannot write {out}") and "File too large" in err
    assert sorted(f.name for f in tmp_path.iterdir()) == ["full.svg"]   # nothing half-written


def _partial(parent: Path) -> list:
    return [p for p in parent.rglob("*partial-*")]


@pytest.mark.parametrize("existing", [False, True], ids=["new folder", "existing folder"])
def test_ctrl_c_while_the_demo_writes_leaves_all_outputs_or_none(tmp_path, existing):
    out = tmp_path / "demo"
    if existing:
        out.mkdir()
    p = child("demo", "--quiet", "--epochs", "1", "--out", str(out))
    deadline = time.monotonic() + 120
    while not any(f.is_file() for d in _partial(tmp_path) for f in d.iterdir()):
        assert p.poll() is None and time.monotonic() < deadline, p.communicate()
        time.sleep(0.002)
    p.send_signal(signal.SIGINT)                 # one picture written, five to go
    _, err = p.communicate(timeout=60)
    assert p.returncode == 130 and err == "stepgrad: interrupted\n", err
    assert _partial(tmp_path) == []
    assert (not out.exists()) if not existing else list(out.iterdir()) == []
    p = child("demo", "--quiet", "--epochs", "1", "--out", str(out))   # a rerun is not refused
    _, err = p.communicate(timeout=120)
    assert p.returncode == 0, err
    assert sorted(f.name for f in out.iterdir()) == sorted([*FILES.values(), MARK])
    assert _partial(tmp_path) == []


HELD_BLOCK = """
import importlib.util, os, signal, sys, threading, time
spec = importlib.util.spec_from_file_location("staging", sys.argv[1])
staging = importlib.util.module_from_spec(spec)
spec.loader.exec_module(staging)               # standard library only: no numpy, no BLAS threads
gate = threading.Event()
other = threading.Thread(target=gate.wait)     # started outside the block: SIGINT not blocked
other.start()
steps, block_done = 0, False
try:
    with staging.signals_held():
        os.kill(os.getpid(), signal.SIGINT)   # the kernel gives it to `other`
        deadline = time.monotonic() + 0.3
        while time.monotonic() < deadline:    # Python checks for signals in this loop
            steps += 1
        block_done = True
    print("no KeyboardInterrupt")
except KeyboardInterrupt:
    print("KeyboardInterrupt, block done:", block_done, steps)
gate.set()
other.join()
"""


def test_a_ctrl_c_taken_by_another_thread_waits_for_the_end_of_a_held_block():
    """The mask alone is not enough: a Ctrl-C sent to the process goes to a thread that does
    not block it, and Python then raises KeyboardInterrupt in the main thread at its next
    check, inside the block (in `stepgrad demo`, inside matplotlib's C extension: Python
    aborted at exit). Held, it comes once, after the block has ended."""
    p = subprocess.run([sys.executable, "-c", HELD_BLOCK, staging.__file__], capture_output=True,
                       text=True, timeout=60, preexec_fn=lambda: signal.signal(signal.SIGINT,
                                                                              signal.SIG_DFL))
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("KeyboardInterrupt, block done: True"), p.stdout


def test_ctrl_c_at_any_moment_leaves_the_demo_complete_or_absent(tmp_path):
    for k, delay in enumerate((0.5, 0.8, 1.2, 1.5, 1.8)):
        out = tmp_path / f"demo{k}"
        p = child("demo", "--quiet", "--epochs", "1", "--out", str(out))
        time.sleep(delay)
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=60)
        assert p.returncode in (0, 130, -signal.SIGINT), err   # done, stopped, or importing
        assert _partial(tmp_path) == []
        if out.exists():
            assert sorted(f.name for f in out.iterdir()) == sorted([*FILES.values(), MARK])
            json.dumps(str(load(out / "model.npz")))            # and the model loads
