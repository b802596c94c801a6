"""``stepgrad graph MODEL --sample x1,…,xF``: a saved model's graph for one input.

The sample goes through the model's scalar view (the lecture's forward phase,
one node per u_h, α_h, a_m). With ``--target y1,…,yM`` the loss L is added and
the backward phase run, so the picture also shows each ∂L/∂node; an ``.html``
``--out`` writes the backprop stepper instead of an SVG.
"""

from __future__ import annotations

from stepgrad.saving import ModelFileError, load

from .errors import CLIError, require_renderer, say
from .paths import input_file, output_file
from .pictures import sample_graph, write_graph_svg, write_stepper_html

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
    if out.suffix == ".html" and args.target is None:
        raise CLIError("the stepper steps through the backward phase, which starts at the "
                       "loss: give the sample's target with --target")
    try:
        model = load(path)
    except (ModelFileError, OSError) as e:
        raise CLIError(str(e)) from None
    x = parse_numbers(args.sample, "--sample", model.sizes[0])
    y = None if args.target is None else parse_numbers(args.target, "--target", model.sizes[-1])
    try:
        outputs, L = sample_graph(model, x, y, loss=args.loss)
    except ValueError as e:  # e.g. cross_entropy of outputs that are not a distribution
        raise CLIError(f"--loss {args.loss}: {e}") from None
    say("a = (" + ", ".join(f"{a.data:.6f}" for a in outputs) + ")"
        + ("" if L is None else f",  L = {L.data:.6f}"))
    if out.suffix == ".html":
        write_stepper_html(L, out)
    else:
        require_renderer()
        view = args.view or ("forward" if L is None else "backward")
        write_graph_svg(outputs if L is None else L, out, view)
    say(f"Wrote {out}")
    return 0
