"""The stepper's exports: one self-contained HTML file, and one SVG file per frame.

The HTML file holds the SVG laid out once, the frames as a small JSON record
(what changes at each step) and a short script: no network access, no Python.
← and → (or the buttons) step, Home and End jump, clicking a node shows its
chain-rule expansion beside the graph. At every frame the view pans (and zooms
out where it must, never below readable text) to the current node and its parents;
parents that do not fit are named in a marker on the frame's edge (:mod:`.viewport`);
"fit" shows the whole graph, and an overview in the corner marks where the view
is. Existing files are never overwritten silently: pass ``overwrite=True``.
"""

from __future__ import annotations

import json
from pathlib import Path

from .quiz import QUIZ_CSS, QUIZ_JS, quiz_json, ready_step
from .render import ACTIVE, CURRENT, DONE, PARENT
from .svgframe import text_id
from .viewport import INSET, READABLE, focus, minimap, with_view

__all__ = ["save_html", "save_frames", "html_text"]

_ASSET = Path(__file__).with_name("assets") / "stepper.html"


def _refuse(path: Path, overwrite: bool) -> None:
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists; pass overwrite=True to replace it")


def frames_json(stepper) -> dict:
    """The frames as the script needs them: ids, colours and the changed texts."""
    lay = stepper.layout
    frames = []
    for k in range(len(stepper)):
        f = stepper.frame(k)
        region = focus(lay.boxes, [f.box, *f.parents])
        frames.append({"cur": f.box, "par": list(f.parents), "edges": list(f.edges),
                       "set": {text_id(key): v for key, v in stepper.deltas[k].items()},
                       "panel": f.panel, "focus": [round(v, 1) for v in region]})
    texts = {text_id(k): v for k, v in stepper.initial.items()}
    fills = {key[1]: v for key, v in lay.original.items() if key[0] == "fill"}
    strokes = {key[1]: v for key, v in lay.original.items() if key[0] in ("stroke", "estroke")}
    explain = {b.id: stepper.explain(b.node) for b in stepper.scene.boxes.values()
               if b.node is not None and b.kind != "constant"}
    boxes = {b: [round(v, 1) for v in r] for b, r in lay.boxes.items()}
    return {"frames": frames, "init": texts, "fills": fills, "strokes": strokes,
            "explain": explain, "size": list(lay.size), "boxes": boxes,
            "names": stepper.box_names(), "readable": READABLE, "inset": INSET,
            "colors": {"current": CURRENT, "parent": PARENT, "done": DONE, "active": ACTIVE},
            "quiz": _quiz(stepper) if stepper.quiz else None}


def _quiz(stepper) -> dict:
    """Quiz mode's questions, and for each box the last step adding to its gradient
    (its chain rule is shown on a click only once that step is answered)."""
    data = quiz_json(stepper.questions, ids=text_id)
    ready = {b.id: ready_step(stepper, b.node) for b in stepper.scene.boxes.values()}
    return {**data, "ready": ready}


def html_text(stepper, title: str = "stepgrad: backprop step by step") -> str:
    """The HTML page as text."""
    data = json.dumps(frames_json(stepper), ensure_ascii=False).replace("</", "<\\/")
    page = _ASSET.read_text(encoding="utf-8")
    lay = stepper.layout
    svg = with_view(lay.tagged[lay.tagged.index("<svg"):], (0, 0, *lay.size))
    overview = minimap(lay.size, lay.boxes, (0, 0, *lay.size))
    quiz = stepper.quiz
    page = (page.replace("{{QUIZ_CSS}}", QUIZ_CSS if quiz else "")
            .replace("{{QUIZ_JS}}", QUIZ_JS if quiz else ""))
    return (page.replace("{{TITLE}}", title).replace("{{SVG}}", svg)
            .replace("{{OVERVIEW}}", overview)
            .replace("{{DATA}}", data).replace("{{N}}", str(len(stepper))))


def save_html(stepper, path, overwrite: bool = False) -> Path:
    """Write the page to ``path`` (refusing to replace a file unless ``overwrite``)."""
    path = Path(path)
    _refuse(path, overwrite)
    path.write_text(html_text(stepper), encoding="utf-8")
    return path


def save_frames(stepper, folder, overwrite: bool = False) -> list:
    """``frame-001.svg`` … (frames count from 1) in ``folder`` (made if missing); refuses
    to replace files."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    width = max(3, len(str(len(stepper))))
    paths = [folder / f"frame-{k + 1:0{width}d}.svg" for k in range(len(stepper))]
    for p in paths:
        _refuse(p, overwrite)
    for k, p in enumerate(paths):
        p.write_text(stepper.svg(k), encoding="utf-8")
    return paths
