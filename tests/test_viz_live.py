"""LiveTraining: a callback f(history) -> None that redraws in Jupyter, throttled to
max_share of the training time, and does nothing elsewhere."""

import types

import numpy as np
import pytest

import stepgrad.viz.live as live_module
from stepgrad.nn import MLP, Sequential
from stepgrad.nn.data import lecture_data
from stepgrad.nn.regularization import Dropout
from stepgrad.optim import fit
from stepgrad.viz.live import LiveTraining, should_draw


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def trained(epochs=2, model=None):
    X, Y = lecture_data(n=20, seed=0)
    model = model or MLP([6, 9, 2], seed=0)
    return model, fit(model, X, Y, epochs=epochs, progress=False)


def test_outside_jupyter_it_does_nothing():
    model, h = trained()
    live = LiveTraining(model)
    assert live.active is False
    assert live(h) is None
    live.finish(h)
    assert live.calls == 1 and live.updates == 0 and live.last_frame is None


def test_the_throttle_keeps_drawing_within_max_share():
    assert should_draw(spent=0.0, cost=0.25, elapsed=2.5, max_share=0.1)
    assert not should_draw(spent=0.0, cost=0.25, elapsed=2.4, max_share=0.1)
    # 1 s drawn in 10 s: 9 s of training allow 0.9 s in all, not 1.25 s
    assert not should_draw(spent=1.0, cost=0.25, elapsed=10.0, max_share=0.1)
    assert should_draw(spent=1.0, cost=0.25, elapsed=13.5, max_share=0.1)


def test_it_draws_only_when_the_throttle_allows_and_finish_draws_the_last_epoch():
    model, h = trained()
    clock = Clock()
    live = LiveTraining(model, show=True, clock=clock)
    clock.now = 0.3  # one epoch took 0.3 s: a drawing (at least 0.05 s) would be 17 % of it
    live(h)
    assert live.updates == 0 and live.last_frame is None
    clock.now = 1.0
    live(h)
    assert live.updates == 1
    png, svg = live.last_frame
    assert png.startswith(b"\x89PNG") and b"<svg" in svg and "α₉".encode() in svg
    live.finish(h)  # epoch 2 is drawn already
    assert live.updates == 1
    model2, h2 = trained(epochs=3)
    live.finish(h2)
    assert live.updates == 2


def test_fit_calls_it_after_each_epoch_and_nothing_changes_in_training():
    X, Y = lecture_data(n=20, seed=0)
    live = LiveTraining(MLP([6, 9, 2], seed=0), show=True)
    a, b = MLP([6, 9, 2], seed=0), MLP([6, 9, 2], seed=0)
    live.model = b
    fit(a, X, Y, epochs=3, seed=0, progress=False)
    fit(b, X, Y, epochs=3, seed=0, progress=False, callbacks=[live])
    assert live.calls == 3
    assert all(np.array_equal(p.data, q.data) for p, q in zip(a.parameters(), b.parameters()))


def test_a_model_draw_mlp_cannot_draw_gets_the_loss_curve_only():
    model = Sequential(Dropout(0.1))
    _, h = trained()
    live = LiveTraining(model, show=True)
    live.finish(h)
    assert live.last_frame[1] is None and live.network is False


def test_in_jupyter_it_updates_two_display_handles_in_place(monkeypatch):
    shown, hooks = [], {}

    class Handle:
        def __init__(self, item):
            self.items = [item]

        def update(self, item):
            self.items.append(item)

    def display(item, display_id=False):
        assert display_id is True
        shown.append(Handle(item))
        return shown[-1]

    events = types.SimpleNamespace(register=lambda e, f: hooks.setdefault(e, f),
                                   unregister=lambda e, f: hooks.pop(e))
    shell = types.SimpleNamespace(kernel=object(), events=events)
    monkeypatch.setattr("IPython.get_ipython", lambda: shell)
    monkeypatch.setattr("IPython.display.display", display)
    assert live_module.in_notebook()
    model, h = trained()
    clock = Clock()
    live = LiveTraining(model, clock=clock)
    assert live.active
    clock.now = 10.0
    live(h)
    clock.now = 100.0
    live(h)
    assert len(shown) == 2 and [len(s.items) for s in shown] == [2, 2]
    assert type(shown[0].items[0]).__name__ == "Image" and type(shown[1].items[0]).__name__ == "SVG"
    _, h3 = trained(epochs=3)
    live._history = h3
    hooks["post_run_cell"]()  # the cell ends: the last epoch is drawn, once
    assert [len(s.items) for s in shown] == [3, 3] and "post_run_cell" not in hooks


def test_bad_max_share_is_refused():
    with pytest.raises(ValueError, match="max_share"):
        LiveTraining(MLP([2, 1]), max_share=0)
