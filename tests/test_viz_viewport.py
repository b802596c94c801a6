"""The stepper's view rule (viz/viewport.py), as the Jupyter player applies it.

At every frame of the demo's 6-9-2 stepper the player's view is never zoomed out below
readable text (1 px per point: the boxes' 10 pt text is 10 px), the current box lies inside
the frame and clear of the overview, and every parent is either inside the frame or named
in a marker on the edge it lies beyond. The same rule in the HTML page is checked in
chromium (tests/test_viz_browser.py).
"""

import re

import pytest
from test_viz_browser import lecture_sample_loss

from stepgrad.viz import step_through
from stepgrad.viz.viewport import READABLE, focus, minimap_px, off_view, view_box
from stepgrad.viz.widget import FRAME_PX, OVERVIEW_PX, picture_html

pytestmark = pytest.mark.dot


def inside(box, view):
    return (box[0] >= view[0] - 0.01 and box[1] >= view[1] - 0.01
            and box[2] <= view[0] + view[2] + 0.01 and box[3] <= view[1] + view[3] + 0.01)


def test_every_frame_of_the_player_is_readable_with_its_node_and_its_parents_or_markers():
    stepper = step_through(lecture_sample_loss())
    lay = stepper.layout
    corner = minimap_px(lay.size, OVERVIEW_PX)
    names = stepper.box_names()
    marked = 0
    for k in range(len(stepper)):
        f = stepper.frame(k)
        view = view_box(focus(lay.boxes, [f.box, *f.parents]), lay.size, FRAME_PX,
                        keep=lay.boxes[f.box], corner=(corner[0] + 4, corner[1] + 4),
                        others=[lay.boxes[b] for b in f.parents])
        scale = min(FRAME_PX[0] / view[2], FRAME_PX[1] / view[3])
        assert scale >= READABLE - 1e-9, (k + 1, scale)
        box = lay.boxes[f.box]
        assert inside(box, view), (k + 1, box, view)
        right, bottom = (box[2] - view[0]) * scale, (box[3] - view[1]) * scale
        assert right <= FRAME_PX[0] - corner[0] or bottom <= FRAME_PX[1] - corner[1], k + 1
        away = off_view(view, lay.boxes, f.parents)
        page = picture_html(stepper, k)
        for side, ids in away.items():
            marker = re.search(rf'data-side="{side}" data-ids="([^"]*)"', page)
            assert marker and marker.group(1).split() == ids, (k + 1, side)
            assert names[ids[0]] in page
            marked += len(ids)
        for b in set(f.parents) - {i for ids in away.values() for i in ids}:
            assert inside(lay.boxes[b], view), (k + 1, b)
    assert marked > 0  # the Σw·x nodes' 13 parents do not all fit at 10 px


def test_a_view_that_cannot_hold_every_parent_holds_the_most_it_can():
    boxes = {"cur": (500, 500, 600, 540), "a": (500, 100, 560, 130), "b": (500, 150, 560, 180),
             "c": (500, 2000, 560, 2030)}
    region = focus(boxes, boxes)
    view = view_box(region, (3000, 3000), (900, 600), keep=boxes["cur"],
                    others=[boxes[i] for i in "abc"])
    assert min(900 / view[2], 600 / view[3]) == pytest.approx(READABLE)
    assert inside(boxes["cur"], view) and inside(boxes["a"], view) and inside(boxes["b"], view)
    assert off_view(view, boxes, ["a", "b", "c"]) == {"bottom": ["c"]}


def test_a_small_picture_is_shown_whole():
    view = view_box((0, 0, 10, 10), (300, 200), (900, 360), keep=(0, 0, 10, 10))
    assert inside((0, 0, 300, 200), view)
