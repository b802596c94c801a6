"""The Jupyter player of a :class:`~.stepper.Stepper`, on ipywidgets.

Only display: each frame is ``stepper.svg(k)`` seen through the view of
:mod:`.viewport` and ``stepper.text(k)``, pure functions tested on their own.

It fits a notebook column (about 950 px) and a laptop screen: the controls on
top, the graph in a frame of fixed size that pans and zooms to the current node
and its parents (with an overview of the whole graph in its corner; "fit" shows
everything), the step's text in a box of fixed height below it, then a node
menu and that node's chain-rule expansion. Nothing changes size from frame to
frame, and only the graph moves inside its frame: the buttons stay put. Frames
count from 1, on the slider as in the text. In quiz mode (``step_through(L,
quiz=True)``) the question sits above the step's text (:mod:`.quiz_widget`) and
there is no play button.
"""

from __future__ import annotations

import html

from .quiz_widget import QUIZ_CHAIN, WAIT, QuizControls
from .viewport import focus, marker_text, minimap, minimap_px, off_view, view_box, with_view

__all__ = ["player", "FRAME_PX", "node_menu"]

FRAME_PX = (900, 360)  # the graph's frame: a 950 px notebook column, a 800 px tall screen
_PRE = ("margin:0;padding:6px;font-size:12px;line-height:1.35;white-space:pre-wrap;"
        "overflow:auto;border:1px solid #e5e7eb;background:#f9fafb;box-sizing:border-box;")


def node_menu(stepper) -> list:
    """(label, box id) for the node menu: each box's name, no two labels the same."""
    return [(label, b) for b, label in stepper.box_names().items()]


OVERVIEW_PX = 130  # the overview's width in the player

_SPOT = {"top": "top:4px;left:50%;transform:translateX(-50%)",
         "bottom": "bottom:4px;left:6px", "left": "left:4px;top:38%",
         "right": "right:4px;top:38%"}


def picture_html(stepper, k: int, fit: bool = False, frame_px=FRAME_PX,
                 asking: bool = False) -> str:
    """Frame k's graph in its fixed frame, viewed around the current node (or all of it),
    with a marker on each edge beyond which some of its parents lie; ``asking``: its
    result hidden (quiz mode)."""
    lay = stepper.layout
    f = stepper.frame(k)
    whole = (0.0, 0.0, *lay.size)
    corner = minimap_px(lay.size, OVERVIEW_PX)
    view = whole if fit else view_box(focus(lay.boxes, [f.box, *f.parents]), lay.size,
                                      frame_px, keep=lay.boxes.get(f.box),
                                      corner=(corner[0] + 4, corner[1] + 4),
                                      others=[lay.boxes[b] for b in f.parents if b in lay.boxes])
    fills = {b: "#bbf7d0" for b in f.done}
    fills.update({b: "#fde68a" for b in f.parents})
    fills[f.box] = "#dc2626"
    # the graph at its own pixel size, centred: in a column narrower than the frame its
    # sides are cut off, never its text shrunk below READABLE
    svg = with_view(stepper.svg(k, asking=asking), view, width=f"{frame_px[0]}px",
                    height=f"{frame_px[1]}px")
    overview = minimap(lay.size, lay.boxes, _shown(view, frame_px), fills, width_px=OVERVIEW_PX)
    names = stepper.box_names()
    away = off_view(_shown(view, frame_px), lay.boxes, f.parents)
    markers = "".join(
        f'<div class="stepgrad-away" data-side="{side}" data-ids="{" ".join(ids)}" '
        f'style="position:absolute;{_SPOT[side]};max-width:60%;padding:1px 6px;'
        f'font-size:12px;background:#fde68a;border:1px solid #b45309;border-radius:4px;'
        f'white-space:nowrap;overflow:hidden;text-overflow:ellipsis">'
        f'{html.escape(marker_text(side, [names.get(i, i) for i in ids]))}</div>'
        for side, ids in away.items())
    return (f'<div class="stepgrad-frame" style="position:relative;width:100%;'
            f'height:{frame_px[1]}px;overflow:hidden;border:1px solid #e5e7eb;'
            f'background:white;max-width:{frame_px[0]}px"><div style="position:absolute;'
            f'left:50%;top:0;margin-left:-{frame_px[0] // 2}px;line-height:0">{svg}</div>'
            f'<div style="position:absolute;right:4px;bottom:4px;'
            f'border:1px solid #9ca3af;background:white;line-height:0">'
            f'{overview}</div>{markers}</div>')


def _shown(view, frame_px):
    """The part of the picture a frame shows: the view widened to the frame's aspect."""
    x, y, w, h = view
    s = min(frame_px[0] / w, frame_px[1] / h)
    fw, fh = frame_px[0] / s, frame_px[1] / s
    return (x - (fw - w) / 2, y - (fh - h) / 2, fw, fh)


def player(stepper):
    """An ``ipywidgets.VBox`` stepping through ``stepper``'s frames."""
    try:
        import ipywidgets as w  # optional: the Jupyter player only
    except ImportError:
        raise ImportError("the stepper's player needs ipywidgets: pip install ipywidgets "
                          "(or save_html(path) for a page that needs nothing)") from None
    n = len(stepper)
    if n == 0:
        return w.HTML("<p>No steps: the root is a leaf.</p>")
    picture = w.HTML(layout=w.Layout(width="100%", height=f"{FRAME_PX[1] + 4}px"))
    panel = w.HTML(layout=w.Layout(width="100%", height="150px"))
    slider = w.IntSlider(value=1, min=1, max=n, readout=False, continuous_update=True,
                         tooltip="frame", layout=w.Layout(width="300px"))  # the counter says k / n
    play = w.Play(value=1, min=1, max=n, interval=900, description="play")
    w.jslink((play, "value"), (slider, "value"))
    small = w.Layout(width="auto")
    prev = w.Button(description="◀ previous", layout=small)
    nxt = w.Button(description="next ▶", layout=small)
    fit = w.ToggleButton(value=False, description="fit", tooltip="the whole graph",
                         layout=small)
    counter = w.HTML()
    menu = w.Dropdown(options=[("chain rule of …", None)] + node_menu(stepper),
                      description="node", layout=w.Layout(width="420px"))
    chain = w.HTML(layout=w.Layout(width="100%", height="110px"))
    quiz = (QuizControls(w, stepper.questions, lambda: slider.value - 1, lambda: show())
            if stepper.quiz else None)

    def show(change=None):
        k = slider.value - 1
        if quiz is not None and change is not None and change.get("owner") is slider:
            shown = quiz.moved(change["old"] - 1, k)  # next on a question: shown, skipped
            if shown != k:
                slider.value = shown + 1
                return
        asking = quiz is not None and quiz.asking(k)
        picture.value = picture_html(stepper, k, fit=fit.value, asking=asking)
        panel.value = (f'<pre class="stepgrad-step" style="{_PRE}height:150px">'
                       f"{html.escape(WAIT if asking else stepper.text(k))}</pre>")
        counter.value = f"<b>frame {k + 1} / {n}</b>"
        if quiz is not None:
            quiz.update(k)
            explain()

    def explain(change=None):
        box = stepper.scene.boxes.get(menu.value)
        text = "" if box is None else html.escape(stepper.explain(box.node))
        if box is not None and quiz is not None and quiz.hides(stepper, box.node):
            text = QUIZ_CHAIN
        chain.value = f'<pre style="{_PRE}height:110px">{text}</pre>'

    slider.observe(show, names="value")
    fit.observe(show, names="value")
    menu.observe(explain, names="value")
    prev.on_click(lambda _: setattr(slider, "value", max(1, slider.value - 1)))
    nxt.on_click(lambda _: quiz.reveal() if quiz is not None and slider.value == n
                 else setattr(slider, "value", min(n, slider.value + 1)))
    show()
    explain()
    controls = w.HBox([prev] + ([play] if quiz is None else []) + [nxt, slider, fit, counter],
                      layout=w.Layout(flex_flow="row wrap", align_items="center"))
    box = w.VBox([controls, picture] + ([] if quiz is None else [quiz.box])
                 + [panel, menu, chain], layout=w.Layout(width="100%", max_width="940px"))
    box.quiz = quiz  # quiz mode's state and answer box (None without quiz=True)
    return box
