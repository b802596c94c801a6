"""The public API's functions and which of them lack annotations.

    python tests/public_api.py          # the unannotated ones, then the count

The public API: what the packages export (``__all__`` of stepgrad.common, .autograd, .nn,
.nn.data, .optim, .saving, .viz, .viz.plots, .practice): each exported function, and each
public method and property (and ``__init__``) of an exported class, written in stepgrad.
Annotated means every parameter but ``self``/``cls`` and the return (``__init__`` may leave
out ``-> None``).
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Iterator

PACKAGES = ["stepgrad.common", "stepgrad.autograd", "stepgrad.nn", "stepgrad.nn.data",
            "stepgrad.optim", "stepgrad.saving", "stepgrad.viz", "stepgrad.viz.plots",
            "stepgrad.practice"]


def _ours(f: object) -> bool:
    return getattr(f, "__module__", "").startswith("stepgrad")


def functions() -> Iterator[tuple[str, object]]:
    """(qualified name, function) for each function of the public API, once each."""
    seen: set[int] = set()
    for package in PACKAGES:
        module = importlib.import_module(package)
        for name in module.__all__:
            thing = getattr(module, name)
            found: list = []
            if inspect.isfunction(thing) and _ours(thing):
                found.append((thing, ""))
            elif inspect.isclass(thing) and _ours(thing):
                for klass in thing.__mro__:
                    if not _ours(klass):
                        continue
                    for attr, f in vars(klass).items():
                        if attr.startswith("_") and attr != "__init__":
                            continue
                        if isinstance(f, (staticmethod, classmethod)):
                            f = f.__func__
                        if isinstance(f, property):  # its getter, and its setter if any
                            found += [(f.fget, ""), (f.fset, " (setter)")]
                        elif inspect.isfunction(f):
                            found.append((f, ""))
            for f, role in found:
                if inspect.isfunction(f) and _ours(f) and id(f) not in seen:
                    seen.add(id(f))
                    yield f"{f.__module__}.{f.__qualname__}{role}", f


def unannotated(f: object) -> list[str]:
    """What ``f`` leaves unannotated: parameter names, and "return"."""
    sig = inspect.signature(f, eval_str=False)  # type: ignore[arg-type]
    missing = [p.name for i, p in enumerate(sig.parameters.values())
               if p.annotation is inspect.Parameter.empty
               and not (i == 0 and p.name in ("self", "cls"))]
    if sig.return_annotation is inspect.Signature.empty and f.__name__ != "__init__":  # type: ignore[attr-defined]
        missing.append("return")
    return missing


if __name__ == "__main__":
    found = dict(functions())
    bad = {name: unannotated(f) for name, f in found.items() if unannotated(f)}
    for name, missing in sorted(bad.items()):
        print(f"{name}: {', '.join(missing)}")
    print(f"{len(bad)} of {len(found)} public API functions lack annotations")
