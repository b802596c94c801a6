"""The network view as one offline HTML page, and as a Jupyter widget.

The page holds the picture laid out once, the frames as a small JSON record
(each frame's CSS, the texts it changes, its panel) and a short script: no
network access, no Python. ← and → (or the buttons) step, Home and End jump,
``b`` jumps to the backward phase. At 1280×800 the picture and the step's text
sit side by side; in a narrower window the text goes below the picture.

The widget (ipywidgets) shows the same frames, rendered in Python
(:meth:`~.network_stepper.NetworkStepper.svg`); frame numbers count from 1 in
both. Existing files are never overwritten silently: pass ``overwrite=True``.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from stepgrad.nn.labels import sup

from .network_picture import ACTIVE, CURRENT, DONE, DONE_EDGE, PARENT
from .quiz import QUIZ_CSS, QUIZ_JS, quiz_json
from .quiz_widget import WAIT, QuizControls

__all__ = ["legend", "network_page", "save_network_html", "network_widget"]

_ASSET = Path(__file__).with_name("assets") / "network.html"
TITLE = "stepgrad: backprop on the network, step by step"


def legend(stepper) -> str:
    """The picture's legend as HTML (what the colours and symbols mean)."""
    p = stepper.p
    top = p.n_layers
    sw = lambda c: (f'<span style="display:inline-block;width:11px;height:11px;'
                    f'border:1px solid #6b7280;vertical-align:-1px;background:{c}"></span>')
    out, hid = f"ε{sup(top)}_m", "ε" + sup(top - 1) + "_h"
    text = (f"{sw(CURRENT)} this step &nbsp;{sw(PARENT)} the numbers it reads &nbsp;"
            f"{sw(DONE)} ε known<br>"
            f'<span style="color:{ACTIVE}">━</span> this step\'s weights, with their numbers '
            f'&nbsp;<span style="color:{DONE_EDGE}">━</span> ∂L/∂w computed '
            "(hover an edge: its weight); dashed: a bias w₀ from the unit “1”<br>"
            f"{out} = ∂L/∂a_m is the output error, ")
    if top > 1:
        text += f"{hid} = ∂L/∂α_h the hidden error; "
    return text + ("the superscript is the layer, as in w¹, w². "
                   "Forward: u_h = Σ_f w¹_fh x_f, α_h = σ(u_h); v_m = Σ_h w²_hm α_h, "
                   "a_m = σ(v_m).")


def frames_json(stepper) -> dict:
    """The frames as the page's script needs them."""
    frames = []
    for k in range(len(stepper)):
        f = stepper.frame(k)
        frames.append({"cur": list(f.current), "edges": list(f.edges),
                       "set": stepper.deltas[k], "css": stepper.css(f), "panel": f.panel,
                       "phase": f.step.phase})
    backward = next((k for k, f in enumerate(stepper.frames) if f.phase == "backward"), 0)
    return {"frames": frames, "init": stepper.initial, "backward": backward,
            "quiz": quiz_json(stepper.questions) if stepper.quiz else None}


def network_page(stepper, title: str = TITLE, links=()) -> str:
    """The HTML page as text; ``links``: (text, href) pairs shown in the bar."""
    lay = stepper.layout
    data = json.dumps(frames_json(stepper), ensure_ascii=False).replace("</", "<\\/")
    bar = " ".join(f'<a href="{html.escape(h)}">{html.escape(t)}</a>' for t, h in links)
    page = _ASSET.read_text(encoding="utf-8")
    page = (page.replace("{{QUIZ_CSS}}", QUIZ_CSS if stepper.quiz else "")
            .replace("{{QUIZ_JS}}", QUIZ_JS if stepper.quiz else ""))
    return (page.replace("{{TITLE}}", html.escape(title)).replace("{{LINKS}}", bar)
            .replace("{{WIDTH}}", f"{lay.width_pt * 4 / 3:.0f}")
            .replace("{{LEGEND}}", legend(stepper)).replace("{{SVG}}", lay.tagged)
            .replace("{{DATA}}", data))


def save_network_html(stepper, path, overwrite: bool = False, links=()) -> Path:
    """Write the page to ``path`` (refusing to replace a file unless ``overwrite``)."""
    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists; pass overwrite=True to replace it")
    path.write_text(network_page(stepper, links=links), encoding="utf-8")
    return path


def network_widget(stepper, height: int = 470):
    """An ``ipywidgets.VBox``: buttons and a slider (frames from 1), the picture at most
    ``height`` px tall, and the step's text in a box of fixed height below it."""
    try:
        import ipywidgets as w  # optional third-party package
    except ImportError:
        raise ImportError("the widget needs ipywidgets: pip install ipywidgets (or "
                          "save_html(path) for a page that needs nothing)") from None
    n = len(stepper)
    picture, panel = w.HTML(), w.HTML()
    slider = w.IntSlider(value=1, min=1, max=n, readout=False, continuous_update=True,
                         layout=w.Layout(width="300px"))  # the label says "frame k / n"
    buttons = [w.Button(description=d, layout=w.Layout(width="auto"))
               for d in ("◀ previous", "next ▶", "backward phase")]
    phase = w.Label()
    width = stepper.layout.width_pt * 4 / 3
    quiz = (QuizControls(w, stepper.questions, lambda: slider.value - 1, lambda: show())
            if stepper.quiz else None)

    def show(change=None):
        k = slider.value - 1
        if quiz is not None and change is not None:
            shown = quiz.moved(change["old"] - 1, k)  # next on a question: shown, skipped
            if shown != k:
                slider.value = shown + 1
                return
        asking = quiz is not None and quiz.asking(k)
        picture.value = (f'<div style="max-width:{width:.0f}px">'
                         + stepper.svg(k, asking=asking).replace(
                             "<svg ", f'<svg style="width:100%;height:auto;max-height:{height}px"'
                                     " ", 1) + "</div>")
        panel.value = (f'<pre style="height:210px;overflow:auto;margin:0;font-size:14px;'
                       f'font-family:Helvetica,Arial,sans-serif;'
                       f'white-space:pre-wrap;background:#f9fafb;border:1px solid #e5e7eb;'
                       f'padding:6px">{html.escape(WAIT if asking else stepper.text(k))}</pre>')
        phase.value = f"frame {k + 1} / {n} · {stepper.frames[k].phase} phase"
        if quiz is not None:
            quiz.update(k)

    back = next((k for k, f in enumerate(stepper.frames) if f.phase == "backward"), 0)
    slider.observe(show, names="value")
    buttons[0].on_click(lambda _: setattr(slider, "value", max(1, slider.value - 1)))
    buttons[1].on_click(lambda _: quiz.reveal() if quiz is not None and slider.value == n
                        else setattr(slider, "value", min(n, slider.value + 1)))
    buttons[2].on_click(lambda _: setattr(slider, "value", back + 1))
    show()
    box = w.VBox([w.HBox(buttons + [slider, phase]), picture]
                 + ([] if quiz is None else [quiz.box]) + [panel,
                   w.HTML(f'<div style="font-size:12px">{legend(stepper)}</div>')])
    box.quiz = quiz  # quiz mode's state and answer box (None without quiz=True)
    return box
