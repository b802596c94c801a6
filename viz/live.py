"""``LiveTraining``: the loss curve and the network picture, updated while fit trains.

``fit(model, X, Y, callbacks=[LiveTraining(model)])`` calls it after each epoch
with the :class:`~stepgrad.optim.History` so far (fit knows nothing of viz: it
calls its callbacks). In Jupyter it shows two pictures under the cell and
replaces them in place (IPython display handles): the loss curve (Q per step,
the loss per epoch, validation) and :func:`~stepgrad.viz.draw_mlp` of the model,
edges by the current weights.
Outside Jupyter it does nothing: fit's progress bar is the view there.

Drawing is throttled so that it costs at most ``max_share`` (10 %) of the
training time: after each epoch it redraws only if the time spent drawing so
far, plus the cost of one more drawing, stays within ``max_share`` of the time
spent training. One drawing is made and timed when the LiveTraining is made,
before training (it imports matplotlib, lays out the figure and starts
Graphviz; ``setup`` holds its time); the next is budgeted at 1.5 times the
dearest so far, as drawing times vary on a busy machine. A short run may
therefore show its first picture late;
the last epoch is drawn when the cell ends (or call :meth:`LiveTraining.finish`).
"""

from __future__ import annotations

import io
import time

import numpy as np

from stepgrad.optim.history import History

from .network import draw_mlp
from .plots.history import history_curves
from .plots.style import COLORS, figure
from .renderer import GraphvizMissing, RenderError

__all__ = ["LiveTraining", "in_notebook", "should_draw"]

MIN_COST = 0.05  # seconds: the least one drawing is assumed to cost
MARGIN = 1.5  # the next drawing is budgeted at MARGIN × the dearest so far (timings vary)
MAX_POINTS = 400  # Q is drawn through at most this many points (drawing time grows with them)


def in_notebook() -> bool:
    """True inside a Jupyter kernel (an IPython shell with a kernel), else False."""
    try:
        from IPython import get_ipython  # optional: Jupyter
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def should_draw(spent: float, cost: float, elapsed: float, max_share: float) -> bool:
    """The throttle: draw if, after one more drawing, drawing ≤ max_share × training time.

    ``spent``: seconds spent drawing so far; ``cost``: what one more drawing is
    expected to take; ``elapsed``: seconds since training started, drawings
    included (so the training time is ``elapsed − spent``).
    """
    return spent + cost <= max_share * (elapsed - spent)


class LiveTraining:
    """A callback ``f(history) -> None`` that redraws the loss curve and the network.

    Args:
        model: the model being trained (drawn with ``draw_mlp``; a model that
            ``draw_mlp`` cannot draw gets the loss curve only).
        max_share: the most of the training time drawing may take (0.1 = 10 %).
        network: also draw the network picture.
        show: None (draw in Jupyter only), True (always render; outside Jupyter
            the frames are kept in :attr:`last_frame`, for tests and benchmarks),
            False (never draw).
        clock: the time source in seconds (``time.perf_counter``).

    Attributes:
        updates: how many times the pictures were drawn.
        calls: how many epochs were reported.
        spent: seconds spent drawing during training.
        setup: seconds the first, calibrating drawing took when it was made
            (before training; later drawings are estimated to cost as much).
        last_frame: ``(png bytes of the loss curve, svg bytes of the network or None)``.
    """

    def __init__(self, model, max_share: float = 0.1, network: bool = True, show=None,
                 clock=time.perf_counter):
        if not 0 < max_share <= 1:
            raise ValueError(f"max_share must be in (0, 1], got {max_share!r}")
        self.model = model
        self.max_share = float(max_share)
        self.network = network
        self.active = in_notebook() if show is None else bool(show)
        self._notebook = self.active and in_notebook()
        self.updates = self.calls = 0
        self.spent = 0.0
        self.last_frame: tuple[bytes, str | None] | None = None
        self._clock = clock
        self._drawn = 0  # the epoch drawn last
        self._history = None
        self._fig: tuple | None = None
        self._handles: list | None = None
        self._hooked = False
        self.setup = 0.0
        if self.active:  # import, lay out and time one drawing now, before training
            start = clock()
            self._warm_up()
            self.setup = clock() - start
        self._cost = max(MIN_COST, MARGIN * self.setup)
        self._t0 = clock()

    # ------------------------------------------------------------- callback

    def __call__(self, history) -> None:
        self.calls += 1
        if not self.active:
            return None
        self._history = history
        self._hook_cell_end()
        if should_draw(self.spent, self._cost, self._clock() - self._t0, self.max_share):
            self._update(history)
        return None

    def finish(self, history=None) -> None:
        """Draw the last epoch now, if it is not drawn yet (not throttled)."""
        history = history if history is not None else self._history
        if self.active and history is not None and history.epochs > self._drawn:
            self._update(history)

    def __repr__(self) -> str:
        where = "Jupyter" if self._notebook else "off" if not self.active else "frames only"
        return (f"LiveTraining({where}, {self.updates} updates in {self.calls} epochs, "
                f"{self.spent:.3f} s drawing)")

    # -------------------------------------------------------------- drawing

    def _update(self, history) -> None:
        start = self._clock()
        png = self._loss_png(history)
        svg = self._network_svg() if self.network else None
        self.last_frame = (png, svg)
        if self._notebook:
            self._show(png, svg)
        cost = self._clock() - start
        self.spent += cost
        self._cost = max(self._cost, MARGIN * cost)
        self.updates += 1
        self._drawn = history.epochs

    def _warm_up(self) -> None:
        """One drawing of an empty run: matplotlib imported, the figure made, Graphviz started."""
        self._loss_png(History(lam=1.0, Q=[0.0, 0.0], step_loss=[0.0], loss=[0.0]))
        if self.network:
            self._network_svg()

    def _loss_png(self, history) -> bytes:
        c = history_curves(history)
        if self._fig is None:
            fig, ax = figure(7.0, 3.0, layout=None)
            fig.subplots_adjust(left=0.09, right=0.98, bottom=0.16, top=0.9)
            lines = {"Q": ax.plot([], [], color=COLORS["Q"], lw=1.5, label="Q")[0],
                     "loss": ax.plot([], [], "o-", color=COLORS["loss"], ms=3,
                                     label="loss per epoch")[0],
                     "val": ax.plot([], [], "s-", color=COLORS["val"], ms=3,
                                    label="validation loss")[0]}
            ax.set_xlabel("epoch")
            ax.set_ylabel("loss")
            ax.grid(alpha=0.3)
            ax.legend(fontsize=8, loc="upper right")
            self._fig = (fig, ax, lines)
        fig, ax, lines = self._fig
        every = max(1, len(c["Q"]) // MAX_POINTS)
        lines["Q"].set_data(c["Q_x"][::every], c["Q"][::every])
        lines["loss"].set_data(c["epoch"], c["loss"])
        if c["val_loss"] is not None:
            lines["val"].set_data(c["epoch"], c["val_loss"])
        ax.relim()
        ax.autoscale_view()
        top = np.nanmax(np.concatenate([c["Q"], c["loss"]]))
        ax.set_ylim(0, 1.05 * top if np.isfinite(top) and top > 0 else 1)
        ax.set_title(f"epoch {history.epochs}: Q = {c['Q'][-1]:.4g}", fontsize=10)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=80)
        return buf.getvalue()

    def _network_svg(self):
        try:
            return draw_mlp(self.model).pipe(format="svg")
        except (TypeError, ValueError, GraphvizMissing, RenderError):
            self.network = False  # not a chain of layers, or no Graphviz: the loss curve only
            return None

    def _show(self, png: bytes, svg) -> None:
        from IPython.display import SVG, Image, display  # optional: Jupyter

        items = [Image(data=png, format="png")] + ([SVG(data=svg)] if svg else [])
        if self._handles is None:
            self._handles = [display(item, display_id=True) for item in items]
        else:
            for handle, item in zip(self._handles, items):
                handle.update(item)

    def _hook_cell_end(self) -> None:
        """In Jupyter, draw the last epoch when the cell that trains finishes."""
        if self._hooked or not self._notebook:
            return
        from IPython import get_ipython  # optional: Jupyter

        events = get_ipython().events

        def at_cell_end(*_args):
            events.unregister("post_run_cell", at_cell_end)
            self.finish()

        events.register("post_run_cell", at_cell_end)
        self._hooked = True
