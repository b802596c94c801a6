"""The Jupyter player of a :class:`~.stepper.Stepper`, on ipywidgets.

Only display: each frame is ``stepper.svg(k)`` and ``stepper.text(k)``, pure
functions tested on their own. Previous/next buttons, play, a slider, and a
node menu that shows the chosen node's chain-rule expansion.
"""

from __future__ import annotations

import html

__all__ = ["player"]


def player(stepper):
    """An ``ipywidgets.VBox`` stepping through ``stepper``'s frames."""
    try:
        import ipywidgets as w  # optional: the player needs ipywidgets
    except ImportError:
        raise ImportError("the stepper's player needs ipywidgets: pip install ipywidgets "
                          "(or save_html(path) for a page that needs nothing)") from None
    n = len(stepper)
    if n == 0:
        return w.HTML("<p>No steps: the root is a leaf.</p>")
    picture, panel = w.HTML(), w.HTML()
    slider = w.IntSlider(value=0, min=0, max=n - 1, description="step", continuous_update=True)
    play = w.Play(value=0, min=0, max=n - 1, interval=700, description="play")
    w.jslink((play, "value"), (slider, "value"))
    prev, nxt = w.Button(description="◀ previous"), w.Button(description="next ▶")
    boxes = [b for b in stepper.scene.boxes.values() if b.node is not None
             and b.kind != "constant"]
    menu = w.Dropdown(options=[("chain rule of …", None)] +
                      [(b.title or b.op or b.id, b.id) for b in boxes], description="node")
    chain = w.HTML()

    def show(change=None):
        k = slider.value
        picture.value = f'<div style="overflow:auto">{stepper.svg(k)}</div>'
        panel.value = f"<pre>{html.escape(stepper.text(k))}</pre>"

    def explain(change=None):
        box = stepper.scene.boxes.get(menu.value)
        chain.value = "" if box is None else f"<pre>{html.escape(stepper.explain(box.node))}</pre>"

    slider.observe(show, names="value")
    menu.observe(explain, names="value")
    prev.on_click(lambda _: setattr(slider, "value", max(0, slider.value - 1)))
    nxt.on_click(lambda _: setattr(slider, "value", min(n - 1, slider.value + 1)))
    show()
    return w.VBox([w.HBox([prev, play, nxt, slider]), picture, panel, menu, chain])
