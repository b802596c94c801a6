"""stepgrad.saving: save(model, path) and load(path): bit-identical round trips, and every bad file
refused with an error saying what is wrong with it."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest

from stepgrad.nn import MLP, half_sse, lecture_data
from stepgrad.optim import SGD, Adam, Momentum, fit
from stepgrad.saving import ModelFileError, load, save
from stepgrad.saving.model_file import FORMAT_VERSION, META


@pytest.fixture
def trained():
    X, Y = lecture_data(n=40, seed=0)
    model = MLP([6, 9, 2], hidden="tanh", output="sigmoid", seed=0)
    opt = Adam(model.parameters(), lr=0.01)
    fit(model, X, Y, loss="half_sse", optimizer=opt, batch_size=8, epochs=3, seed=0,
        progress=False)
    return model, opt, X, Y


def _rewrite(src, dst, change):
    """Copy the archive src to dst with change(arrays) applied (numpy's own writer)."""
    with np.load(src, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    change(arrays)
    with open(dst, "wb") as f:
        np.savez(f, **arrays)


def _meta(arrays):
    return json.loads(arrays[META].tobytes())


def _set_meta(arrays, meta):
    arrays[META] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)


def test_round_trip_gives_bit_identical_weights_and_predictions(trained, tmp_path):
    model, _, X, _ = trained
    save(model, tmp_path / "m.npz")
    back = load(tmp_path / "m.npz")
    assert back.sizes == model.sizes
    assert [a.activation.name for a in back.layers] == ["tanh", "sigmoid"]
    for (name, w), (name2, w2) in zip(model.named_parameters(), back.named_parameters()):
        assert name == name2 and w.data.dtype == w2.data.dtype == np.float64
        assert w.data.tobytes() == w2.data.tobytes()
    assert model(X).data.tobytes() == back(X).data.tobytes()


@pytest.mark.parametrize("sizes, hidden, output", [
    ([2, 1], [], "identity"),
    ([3, 4, 5, 2], ["relu", "hardtanh"], "softmax"),
    ([4, 3, 1], "sign", "tanh"),
])
def test_every_architecture_and_activation_round_trips(tmp_path, sizes, hidden, output):
    model = MLP(sizes, hidden=hidden, output=output, init="glorot", seed=3)
    save(model, tmp_path / "m.npz")
    back = load(tmp_path / "m.npz")
    assert [a.activation.name for a in back.layers] == [a.activation.name for a in model.layers]
    X = np.random.default_rng(1).normal(size=(7, sizes[0]))
    assert np.array_equal(model(X).data, back(X).data)


def test_optimizer_state_round_trip_resumes_the_same_trajectory(trained, tmp_path):
    model, opt, X, Y = trained
    save(model, tmp_path / "m.npz", optimizer=opt)
    back, opt2 = load(tmp_path / "m.npz", optimizer=True)
    assert type(opt2) is Adam and opt2.hyper == opt.hyper
    for m in (model, back):  # one more Adam step on each: the same weights, bit for bit
        o = opt if m is model else opt2
        o.zero_grad()
        half_sse(m(X), Y).backward()
        o.step()
    for w, w2 in zip(model.parameters(), back.parameters()):
        assert w.data.tobytes() == w2.data.tobytes()


def test_load_into_an_existing_model_keeps_its_tensors(trained, tmp_path):
    model, _, X, _ = trained
    save(model, tmp_path / "m.npz")
    other = MLP([6, 9, 2], hidden="tanh", output="sigmoid", seed=5)
    tensors = other.parameters()
    opt = SGD(tensors, lr=0.1)
    assert load(tmp_path / "m.npz", into=other) is other
    assert all(a is b for a, b in zip(other.parameters(), tensors)) and opt.params[0] is tensors[0]
    assert np.array_equal(other(X).data, model(X).data)


def test_saving_is_atomic_and_leaves_no_temporary(trained, tmp_path, monkeypatch):
    model, _, _, _ = trained
    target = tmp_path / "m.npz"
    save(model, target)
    good = target.read_bytes()

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", crash)
    with pytest.raises(OSError, match="disk full"):
        save(MLP([6, 9, 2], seed=9), target)
    assert target.read_bytes() == good  # the good file is untouched
    assert [p.name for p in tmp_path.iterdir()] == ["m.npz"]  # and no temporary is left


def test_a_file_without_optimizer_state_says_so(trained, tmp_path):
    model, _, _, _ = trained
    save(model, tmp_path / "m.npz")
    with pytest.raises(ModelFileError, match="no optimizer state"):
        load(tmp_path / "m.npz", optimizer=True)


def test_a_truncated_file_is_refused_as_truncated(trained, tmp_path):
    model, _, _, _ = trained
    save(model, tmp_path / "m.npz")
    data = (tmp_path / "m.npz").read_bytes()
    for cut in (len(data) // 3, len(data) - 10):
        (tmp_path / "t.npz").write_bytes(data[:cut])
        with pytest.raises(ModelFileError, match="truncated"):
            load(tmp_path / "t.npz")


def test_a_corrupt_file_is_refused_as_corrupt(trained, tmp_path):
    model, _, _, _ = trained
    save(model, tmp_path / "m.npz")
    data = bytearray((tmp_path / "m.npz").read_bytes())
    with zipfile.ZipFile(tmp_path / "m.npz") as z:
        info = z.getinfo("w1.npy")
    middle = info.header_offset + 30 + len(info.filename) + 200  # inside w1's bytes
    data[middle] ^= 0xFF
    (tmp_path / "c.npz").write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match="corrupt"):
        load(tmp_path / "c.npz")


def test_a_file_that_is_not_an_archive_is_refused(tmp_path):
    (tmp_path / "x.npz").write_text("height,weight\n1,2\n")
    with pytest.raises(ModelFileError, match="not an .npz"):
        load(tmp_path / "x.npz")
    with pytest.raises(ModelFileError, match="directory"):
        load(tmp_path)


def test_a_pickle_bearing_file_is_refused_and_never_unpickled(trained, tmp_path):
    model, _, _, _ = trained
    save(model, tmp_path / "m.npz")
    _rewrite(tmp_path / "m.npz", tmp_path / "p.npz",
             lambda a: a.update(w1=np.array([{"evil": 1}], dtype=object)))
    with pytest.raises(ModelFileError, match="pickle"):
        load(tmp_path / "p.npz")


def test_a_wrong_format_version_is_refused_naming_both_versions(trained, tmp_path):
    model, _, _, _ = trained
    save(model, tmp_path / "m.npz")

    def newer(arrays):
        meta = _meta(arrays)
        _set_meta(arrays, {**meta, "format_version": FORMAT_VERSION + 1})

    _rewrite(tmp_path / "m.npz", tmp_path / "v.npz", newer)
    with pytest.raises(ModelFileError, match=f"format version {FORMAT_VERSION + 1}.*reads "
                                             f"version {FORMAT_VERSION}"):
        load(tmp_path / "v.npz")


def test_a_file_without_metadata_is_not_a_stepgrad_model(tmp_path):
    with open(tmp_path / "w.npz", "wb") as f:
        np.savez(f, w1=np.zeros((7, 9)))
    with pytest.raises(ModelFileError, match="not a stepgrad model"):
        load(tmp_path / "w.npz")


@pytest.mark.parametrize("change, says", [
    (lambda a: a.update(w1=np.zeros((6, 9))), r"w1 is float64 of shape \(6, 9\)"),
    (lambda a: a.pop("w2"), "need arrays"),
    (lambda a: a.update(w1=a["w1"].astype(np.float32)), "float32"),
    (lambda a: _set_meta(a, {**_meta(a), "sizes": [6, 0, 2]}), "sizes"),
    (lambda a: _set_meta(a, {**_meta(a), "hidden": ["swish"]}), "swish"),
])
def test_a_wrong_architecture_is_refused_saying_what_does_not_fit(trained, tmp_path, change, says):
    model, _, _, _ = trained
    save(model, tmp_path / "m.npz")
    _rewrite(tmp_path / "m.npz", tmp_path / "a.npz", change)
    with pytest.raises(ModelFileError, match="wrong architecture") as err:
        load(tmp_path / "a.npz")
    assert err.match(says)


def test_loading_into_a_model_of_another_shape_is_refused(trained, tmp_path):
    model, _, _, _ = trained
    save(model, tmp_path / "m.npz")
    for other in (MLP([6, 8, 2], seed=0), MLP([6, 9, 2], hidden="relu", seed=0)):
        before = [w.data.copy() for w in other.parameters()]
        with pytest.raises(ModelFileError, match="wrong architecture for this model"):
            load(tmp_path / "m.npz", into=other)
        assert all(np.array_equal(b, w.data) for b, w in zip(before, other.parameters()))


def test_only_named_activations_and_mlps_can_be_saved(tmp_path):
    with pytest.raises(ValueError, match="only the named ones"):
        save(MLP([2, 2], output=lambda u: u * 2.0), tmp_path / "m.npz")
    from stepgrad.nn import Layer

    with pytest.raises(TypeError, match="save writes an MLP"):
        save(Layer(2, 3), tmp_path / "m.npz")
    assert not list(tmp_path.iterdir())


def test_an_optimizer_of_other_parameters_is_refused(tmp_path):
    model = MLP([2, 3, 1], seed=0)
    with pytest.raises(ValueError, match="does not hold this model's parameters"):
        save(model, tmp_path / "m.npz", optimizer=Momentum(MLP([2, 3, 1]).parameters()))
