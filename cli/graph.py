"""``stepgrad graph MODEL --sample x1,…,xF``: a saved model's graph for one input.

The sample goes through the model's scalar view (the lecture's forward phase,
one node per u_h, α_h, a_m). With ``--target y1,…,yM`` the loss L is added and
the backward phase run, so the picture also shows each ∂L/∂node; an ``.html``
``--out`` writes the backprop stepper instead of an SVG.
"""

from __future__ import annotations

from stepgrad.saving import ModelFileError, load, trained_with

from .errors import CLIError, require_renderer, say
from .paths import input_file, output_file
from .pictures import (
    class_key,
    sample_graph,
    write_graph_svg,
    write_network_stepper_html,
    write_stepper_html,
)

__all__ = ["parse_numbers", "run_graph"]


def parse_numbers(text: str, option: str, count: int) -> list:
    """``"0.1,0.2,-3"`` as floats, exactly ``count`` of them."""
    try:
        values = [float(s) for s in text.split(",")]
    except ValueError:
        raise CLIError(f"{option} {text}: expected {count} numbers separated by commas") from None
    if len(values) != count:
        raise CLIError(f"{option} {text}: the model needs {count} numbers, got {len(values)}")
    return values


def run_graph(args) -> int:
    """The ``graph`` command; returns the exit code."""
    path = input_file(args.model, "model file")
    out = output_file(args.out, args.force)
    if out.suffix not in (".svg", ".html"):
        raise CLIError(f"--out {out}: the name must end in .svg (the graph) or .html "
                       f"(the backprop stepper)")
    if args.view == "network" and out.suffix != ".html":
        raise CLIError(f"--view network steps backprop on the network's picture: give an "
                       f".html --out (got {out.name})")
    if out.suffix == ".html" and args.target is None:
        raise CLIError("the stepper steps through the backward phase, which starts at the "
                       "loss: give the sample's target with --target")
    try:
        model = load(path)
        saved = trained_with(path)
    except (ModelFileError, OSError) as e:
        raise CLIError(str(e)) from None
    loss = args.loss or saved.loss or "half_sse"  # the loss it was trained with, by default
    x = parse_numbers(args.sample, "--sample", model.sizes[0])
    y = None if args.target is None else parse_numbers(args.target, "--target", model.sizes[-1])
    try:
        outputs, L = sample_graph(model, x, y, loss=loss)
    except ValueError as e:  # e.g. cross_entropy of outputs that are not a distribution
        raise CLIError(f"--loss {loss}: {e}") from None
    names = saved.classes
    a = [o.data for o in outputs]
    say("a = (" + ", ".join(f"{v:.6f}" + (f" {names[m]}" if names else "")
                            for m, v in enumerate(a)) + ")"
        + ("" if L is None else f",  L = {L.data:.6f} ({loss}"
           + (", the loss it was trained with)" if loss == saved.loss and not args.loss
              else ")")))
    if names:
        say(f"predicted class: {names[max(range(len(a)), key=a.__getitem__)]}   "
            f"({class_key(names)})")
    if args.view == "network":
        write_network_stepper_html(model, x, y, out, loss=loss, classes=names)
    elif out.suffix == ".html":
        write_stepper_html(L, out)
    else:
        require_renderer()
        view = args.view or ("forward" if L is None else "backward")
        write_graph_svg(outputs if L is None else L, out, view, classes=names)
    say(f"Wrote {out}")
    return 0
