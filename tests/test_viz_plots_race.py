"""The optimizer race: the library's six optimizers stepping Tensors on 2-D surfaces."""

import io

import matplotlib
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from stepgrad.autograd import Tensor
from stepgrad.optim import OPTIMIZERS, rules
from stepgrad.viz.plots import SURFACES, optimizer_race, race_lr, race_trajectories, save_race

matplotlib.use("Agg")

GRADIENTS = {  # ∇f written by hand, to check the engine's
    "bowl": lambda x, y: np.array([x, 20.0 * y]),
    "rosenbrock": lambda x, y: np.array([-2 * (1 - x) - 400 * x * (y - x * x),
                                         200 * (y - x * x)]),
    "saddle": lambda x, y: np.array([2 * x, -2 * y]),
}
RULE_FN = {"SGD": (rules.sgd, rules.SGDState), "Momentum": (rules.momentum, rules.MomentumState),
           "Nesterov": (rules.nesterov, rules.MomentumState),
           "AdaGrad": (rules.adagrad, rules.AdaGradState),
           "RMSProp": (rules.rmsprop, rules.RMSPropState), "Adam": (rules.adam, rules.AdamState)}


def by_hand(surface: str, rule: str, steps: int) -> np.ndarray:
    """The rule's pure math on the hand-written gradient, no engine, no optimizer class."""
    s = SURFACES[surface]
    fn, State = RULE_FN[rule]
    theta = np.array(s.start, dtype=float)
    state = State(*[0 if f == "step" else np.zeros(2) for f in State._fields])
    path = [theta]
    for _ in range(steps):
        theta, state = fn(theta, GRADIENTS[surface](*theta), state, lr=race_lr(rule, surface))
        path.append(theta)
    return np.array(path)


@pytest.mark.parametrize("surface", list(SURFACES))
def test_each_trajectory_is_the_rule_stepped_by_hand(surface):
    paths = race_trajectories(surface, steps=25)
    assert list(paths) == list(OPTIMIZERS)
    for rule, path in paths.items():
        expected = by_hand(surface, rule, 25)[: len(path)]
        assert path == pytest.approx(expected, rel=1e-9, abs=1e-12), rule


def test_the_surfaces_are_autograd_functions_with_the_stated_gradients():
    for name, s in SURFACES.items():
        theta = Tensor(np.array([0.3, -0.7]))
        out = s.f(theta)
        out.backward()
        assert out.item() == pytest.approx(s.numpy_f(0.3, -0.7))
        assert theta.grad == pytest.approx(GRADIENTS[name](0.3, -0.7)), name


def test_the_race_shows_what_the_lecture_says():
    bowl = race_trajectories("bowl")
    ys = bowl["SGD"][:10, 1]
    assert np.all(np.sign(ys[1:]) != np.sign(ys[:-1]))  # SGD zigzags across the valley
    assert np.linalg.norm(bowl["Momentum"][-1]) < 0.2
    saddle = race_trajectories("saddle")
    escaped = {r: abs(p[-1, 1]) > 1 for r, p in saddle.items()}
    assert not escaped["SGD"] and escaped["Adam"] and escaped["RMSProp"]
    rosen = race_trajectories("rosenbrock")
    assert np.linalg.norm(rosen["Adam"][-1] - [1, 1]) < np.linalg.norm(rosen["SGD"][-1] - [1, 1])


def test_a_trajectory_that_falls_off_the_saddle_stops():
    paths = race_trajectories("saddle", steps=500)
    assert all(len(p) < 501 for r, p in paths.items() if r != "SGD")


def test_unknown_names_are_refused():
    with pytest.raises(ValueError, match="choose one of bowl, rosenbrock, saddle"):
        race_trajectories("himmelblau")
    with pytest.raises(ValueError, match="the rules are SGD, Momentum"):
        race_trajectories("bowl", rules=("LBFGS",))


def test_the_static_race_renders():
    fig = optimizer_race(steps=15)
    assert len(fig.axes) == 3 and len(fig.axes[0].lines) >= 6
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    assert buf.getvalue().startswith(b"\x89PNG")


def test_the_animation_saves_as_gif_and_html(tmp_path):
    from PIL import Image

    gif = save_race(tmp_path / "race.gif", "bowl", steps=6, frames=3)
    with Image.open(gif) as im:
        assert im.n_frames == 3
    html = save_race(tmp_path / "race.html", "saddle", steps=6, frames=3).read_text()
    assert "<script" in html and "animation" in html.lower()
    with pytest.raises(ValueError, match=".gif or .html"):
        save_race(tmp_path / "race.mp4")


def test_saving_the_race_never_replaces_a_file_unasked(tmp_path):
    path = tmp_path / "race.gif"
    path.write_bytes(b"the user's own file")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        save_race(path, "bowl", steps=4, frames=2)
    assert path.read_bytes() == b"the user's own file"
    save_race(path, "bowl", steps=4, frames=2, overwrite=True)
    assert path.read_bytes()[:3] == b"GIF"


def test_the_race_tells_the_rules_apart_and_its_legend_covers_no_panel():
    fig = optimizer_race()
    for ax in fig.axes:
        lines = [ln for ln in ax.get_lines() if not ln.get_label().startswith("_")]
        assert [ln.get_label() for ln in lines] == list(OPTIMIZERS)
        assert len({(str(ln.get_linestyle()), ln.get_marker()) for ln in lines}) == len(lines)
    legend = fig.legends[0]
    assert [t.get_text() for t in legend.get_texts()] == list(OPTIMIZERS)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    box = legend.get_window_extent(canvas.get_renderer())
    for ax in fig.axes:
        assert not box.overlaps(ax.get_window_extent(canvas.get_renderer()))


def test_the_rosenbrock_start_is_no_scribble():
    """From the start each rule heads somewhere: over its first 20 steps the path is at most
    4× the distance covered (from the classic (−1.2, 1) SGD's was 10×), and it stays in view."""
    s = SURFACES["rosenbrock"]
    (x0, x1), (y0, y1) = s.window
    for rule, path in race_trajectories("rosenbrock").items():
        first = path[:21]
        length = np.linalg.norm(np.diff(first, axis=0), axis=1).sum()
        assert length <= 4 * np.linalg.norm(first[-1] - first[0]), rule
        assert np.all((path[:, 0] >= x0) & (path[:, 0] <= x1)), rule
        assert np.all((path[:, 1] >= y0) & (path[:, 1] <= y1)), rule
