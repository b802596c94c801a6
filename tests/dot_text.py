"""Read a picture's DOT text back: each box's rows, as a student reads them."""

import html
import re

_BOX = re.compile(r"^\s*([ng]\w*) \[label=<(.*?)>( [a-z]|\])", re.M)


def box_texts(src: str) -> dict:
    """Box id → its rows of text (each table cell on its own, tags removed)."""
    out = {}
    for bid, label, _ in _BOX.findall(src):
        cells = re.findall(r"<TD[^>]*>(.*?)</TD>", label)
        out[bid] = [html.unescape(re.sub(r"<[^>]+>", "", c)) for c in cells]
    return out
