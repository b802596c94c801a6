"""The decision boundary and the gradient-norm plots draw what the model and
nn.diagnostics compute."""

import io

import matplotlib
import numpy as np
import pytest
from figure_checks import (
    assert_legend_names_what_is_drawn,
    assert_limits_hold_data,
    drawn_lines,
    legend_texts,
)

from stepgrad.nn import MLP, gradient_norms, half_sse, mse
from stepgrad.nn.data import moons, one_hot
from stepgrad.optim import Adam, fit
from stepgrad.viz.plots import (
    class_labels,
    decision_grid,
    depth_gradient_norms,
    grad_norm_curves,
    plot_decision_boundary,
    plot_depth_comparison,
    plot_grad_norms,
)

matplotlib.use("Agg")


def is_png(fig) -> bool:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue().startswith(b"\x89PNG")


def test_class_labels_read_indices_one_hot_and_signs():
    assert list(class_labels([0, 2, 1])) == [0, 2, 1]
    assert list(class_labels(np.eye(3)[[2, 0]])) == [2, 0]
    assert list(class_labels([-1.0, 1.0, 1.0])) == [0, 1, 1]
    with pytest.raises(ValueError, match="classes"):
        class_labels([0.5, 1.5])


def test_the_grid_holds_the_models_predicted_classes():
    model = MLP([2, 4, 3], output="softmax", seed=0)
    X = np.array([[-1.0, 0.0], [1.0, 2.0], [0.5, -0.5]])
    xx, yy, classes = decision_grid(model, X, resolution=7)
    assert xx.shape == yy.shape == classes.shape == (7, 7)
    assert xx.min() < -1 and xx.max() > 1 and yy.min() < -0.5 and yy.max() > 2
    i, j = 3, 5
    a = model(np.array([[xx[i, j], yy[i, j]]])).data
    assert classes[i, j] == a.argmax()


def test_one_output_is_thresholded_as_the_targets_say():
    model = MLP([2, 1], output="identity", seed=0)
    model.layers[0].weight.data[...] = [[0.3], [1.0], [0.0]]  # a = 0.3 + x₁
    X = np.array([[-0.5, 0.0], [0.0, 0.0], [0.4, 0.0]])  # a = −0.2, 0.3, 0.7
    assert list(decision_grid(model, X, [0, 1, 1], resolution=3)[2][0]) == [0, 0, 1]
    assert list(decision_grid(model, X, [-1, 1, 1], resolution=3)[2][0]) == [0, 1, 1]
    with pytest.raises(ValueError, match=r"shape \(N, 2\)"):
        decision_grid(model, np.zeros((3, 3)))


def test_the_decision_boundary_plot_renders_a_trained_classifier():
    X, y = moons(60, seed=0)
    model = MLP([2, 8, 2], hidden="relu", output="softmax", seed=0)
    fit(model, X, one_hot(y), loss="cross_entropy", optimizer=Adam(model.parameters(), lr=0.05),
        batch_size=16, epochs=20, seed=0, progress=False)
    fig = plot_decision_boundary(model, X, y)
    assert "accuracy" in fig.axes[0].get_title()
    assert is_png(fig)


def test_grad_norm_curves_are_the_historys():
    X, y = moons(40, seed=1)
    h = fit(MLP([2, 5, 2], seed=0), X, one_hot(y), epochs=4, progress=False)
    curves = grad_norm_curves(h)
    assert list(curves) == ["w1", "w2"]
    assert list(curves["w2"][1]) == h.grad_norms["w2"] and list(curves["w2"][0]) == [1, 2, 3, 4]
    fig = plot_grad_norms(h)
    assert "‖∂L/∂w¹‖₂" in fig.axes[0].get_legend_handles_labels()[1]
    assert is_png(fig)


def test_full_batch_history_norms_equal_diagnostics_at_the_same_weights():
    X, y = moons(30, seed=2)
    model = MLP([2, 4, 2], seed=3)
    h = fit(MLP([2, 4, 2], seed=3), X, one_hot(y), batch_size=None, epochs=1, progress=False)
    half_sse(model(X), one_hot(y)).backward()  # fit's default loss, one full-batch step
    assert [norms[0] for _, norms in grad_norm_curves(h).values()] == pytest.approx(
        list(gradient_norms(model).values()), rel=1e-12)


def test_depth_norms_equal_diagnostics_and_sigmoid_vanishes():
    sig = depth_gradient_norms("sigmoid", depth=6, width=8, n=32)
    relu = depth_gradient_norms("relu", depth=6, width=8, n=32)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(32, 2))
    model = MLP([2] + [8] * 6 + [1], hidden="sigmoid", output="identity", init="glorot", seed=0)
    mse(model(X), (X[:, 0] * X[:, 1])[:, None]).backward()
    assert sig == pytest.approx(list(gradient_norms(model).values()), rel=1e-12)
    assert sig[0] < 1e-3 * sig[-1]  # σ′ ≤ ¼ per layer
    assert relu[0] > 1e-2 * relu[-1]
    with pytest.raises(ValueError, match="depth"):
        depth_gradient_norms("relu", depth=0)


def test_the_depth_comparison_renders():
    fig = plot_depth_comparison(depth=4, width=6)
    assert fig.axes[0].get_yscale() == "log" and len(fig.axes[0].lines) == 2
    assert is_png(fig)


def test_the_depth_comparisons_title_counts_the_points_it_draws():
    for depth in (3, 5):
        ax = plot_depth_comparison(depth=depth, width=4).axes[0]
        points = {len(line.get_xdata()) for line in drawn_lines(ax)}
        assert points == {depth + 1}                     # depth hidden layers + the output layer
        assert f"the {depth + 1} weight matrices ({depth} hidden layers" in ax.get_title()
        assert_limits_hold_data(ax)
        assert_legend_names_what_is_drawn(ax)


def test_the_decision_boundary_keeps_the_accuracy_with_a_title_and_names_the_classes():
    X, y = moons(60, seed=0)
    model = MLP([2, 8, 2], hidden="relu", output="softmax", seed=0)
    fit(model, X, one_hot(y), loss="cross_entropy", optimizer=Adam(model.parameters(), lr=0.05),
        batch_size=16, epochs=20, seed=0, progress=False)
    accuracy = np.mean(model(X).data.argmax(axis=1) == y)
    ax = plot_decision_boundary(model, X, y, title="two moons", class_names=["upper", "lower"],
                                feature_names=("a", "b")).axes[0]
    assert ax.get_title() == f"two moons (accuracy on these points {accuracy:.1%})"
    assert legend_texts(ax) == ["upper", "lower"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("a", "b")
    x0, x1, y0, y1 = *ax.get_xlim(), *ax.get_ylim()
    assert x0 <= X[:, 0].min() and X[:, 0].max() <= x1
    assert y0 <= X[:, 1].min() and X[:, 1].max() <= y1
    with pytest.raises(ValueError, match="class_names names 1 classes"):
        plot_decision_boundary(model, X, y, class_names=["only one"])
