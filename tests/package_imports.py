"""Every import of the stepgrad package, read from the source (nothing is imported).

Used by ``tests/test_package_structure.py``; run it as a script to print the
counts the structure test keeps at zero::

    python tests/package_imports.py            # counts
    python tests/package_imports.py --list     # and each finding

The layer order (README, "Layout"): a module may import only from its own
layer or the layers before it.
"""

from __future__ import annotations

import ast
import os
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "src" / "stepgrad"

LAYERS = ("common", "autograd", "nn", "optim", "saving", "viz", "practice", "cli")
"""Bottom to top: shared helpers → autograd → nn → optim → saving/loading → viz → practice
(exercises) → cli."""

OPTIONAL = ("torch", "matplotlib", "ipywidgets", "IPython")
"""Third-party packages that may be imported inside a function: optional extras (torch,
ipywidgets, IPython), and matplotlib, a core dependency imported only when a plot is drawn
(about half a second); each such import carries the comment ``# optional``."""


@dataclass(frozen=True)
class Import:
    module: str        # the importing module, e.g. "stepgrad.nn.layers"
    line: int
    target: str        # the imported module, e.g. "stepgrad.autograd" (resolved)
    names: tuple       # the names of ``from target import names`` (empty for ``import``)
    top: bool          # at module level (not inside a function or class)
    text: str          # the source line

    @property
    def project(self) -> bool:
        return self.target == "stepgrad" or self.target.startswith("stepgrad.")

    def modules(self, files: dict) -> set:
        """The project modules this import runs: ``from p import m`` imports the module
        p.m when m is one, else p."""
        subs = {f"{self.target}.{n}" for n in self.names if f"{self.target}.{n}" in files}
        if not self.names or len(subs) < len(self.names):
            subs.add(self.target)
        return subs


def module_files() -> dict:
    """{module name: path} for every module of the package (following its folder links)."""
    files = {}
    for folder, _, names in os.walk(ROOT, followlinks=True):
        for name in names:
            if name.endswith(".py"):
                path = Path(folder) / name
                parts = path.relative_to(ROOT.parent).with_suffix("").parts
                if parts[-1] == "__init__":
                    parts = parts[:-1]
                files[".".join(parts)] = path
    return dict(sorted(files.items()))


def is_package(module: str, files: dict) -> bool:
    return files[module].name == "__init__.py"


def layer(module: str) -> int:
    """The layer index of a module. ``stepgrad`` itself (its ``__init__``, run before any
    of its modules) is below them all, ``python -m stepgrad`` (``__main__``) above."""
    parts = module.split(".")
    if len(parts) == 1:
        return -1
    return LAYERS.index(parts[1]) if parts[1] in LAYERS else len(LAYERS)


def _top_level(tree) -> set:
    """ids of the statements run when the module is imported (module body, incl. if/try)."""
    ids, todo = set(), list(tree.body)
    while todo:
        node = todo.pop()
        ids.add(id(node))
        if isinstance(node, (ast.If, ast.Try, ast.With)):
            for field in ("body", "orelse", "finalbody", "handlers"):
                for child in getattr(node, field, []):
                    todo.extend(child.body if isinstance(child, ast.ExceptHandler) else [child])
    return ids


def imports(files: dict | None = None) -> list:
    """Every import statement of the package, resolved to absolute module names."""
    files = module_files() if files is None else files
    found = []
    for module, path in files.items():
        source = path.read_text()
        lines = source.splitlines()
        tree = ast.parse(source)
        top = _top_level(tree)
        package = module if is_package(module, files) else module.rsplit(".", 1)[0]
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[:len(package.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module
                names = tuple(a.name for a in node.names)
                entries = [(target, names)]
            elif isinstance(node, ast.Import):
                entries = [(a.name, ()) for a in node.names]
            else:
                continue
            for target, names in entries:
                found.append(Import(module, node.lineno, target, names, id(node) in top,
                                    lines[node.lineno - 1]))
    return found


def edges(found: list, files: dict) -> dict:
    """{module: set of project modules it imports at module level}: ``from p import m``
    counts as an import of the module p.m when m is one."""
    graph = {m: set() for m in files}
    for imp in found:
        if not (imp.project and imp.top):
            continue
        graph[imp.module].update(imp.modules(files) & set(files))
    return graph


def cycles(graph: dict) -> list:
    """Each import cycle found by a depth-first walk, as a list of modules."""
    found, done, path = [], set(), []

    def visit(m):
        if m in path:
            found.append(path[path.index(m):] + [m])
            return
        if m in done:
            return
        path.append(m)
        for dep in sorted(graph.get(m, ())):
            visit(dep)
        path.pop()
        done.add(m)

    for m in sorted(graph):
        visit(m)
    return found


def defined(tree) -> set:
    """The names a module defines at its top level (functions, classes, assignments)."""
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            for t in node.targets:
                names.update(e.id for e in ast.walk(t) if isinstance(e, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def findings(files: dict | None = None) -> dict:
    """{rule: [finding, …]} for every rule of the structure test."""
    files = module_files() if files is None else files
    found = imports(files)
    trees = {m: ast.parse(p.read_text()) for m, p in files.items()}
    out = {"cycle": [" → ".join(c) for c in cycles(edges(found, files))],
           "up the order": [], "function-level project import": [],
           "function-level import not optional": [], "private name": [], "shim": [],
           "name not defined where imported from": []}
    for imp in found:
        where = f"{imp.module} line {imp.line}: {imp.text.strip()}"
        if imp.project:
            if any(layer(m) > layer(imp.module) for m in imp.modules(files)):
                out["up the order"].append(where)
            if not imp.top:
                out["function-level project import"].append(where)
            private = [n for n in imp.names if n.startswith("_") and not n.startswith("__")
                       and f"{imp.target}.{n}" not in files]
            if private:
                out["private name"].append(where)
            if (imp.target in files and not is_package(imp.target, files)
                    and imp.module != imp.target):
                missing = [n for n in imp.names if n != "*" and n not in defined(trees[imp.target])
                           and f"{imp.target}.{n}" not in files]
                if missing:
                    out["name not defined where imported from"].append(f"{where} ({missing})")
        elif not imp.top and (imp.target.split(".")[0] not in OPTIONAL
                              or "# optional" not in imp.text):
            out["function-level import not optional"].append(where)
    for module, tree in trees.items():
        modules = {}  # the names this module binds to project modules: from . import ops
        for imp in found:
            if imp.module == module and imp.project:
                modules.update({n: 1 for n in imp.names if f"{imp.target}.{n}" in files})
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and getattr(node.value, "id", None) in modules
                    and node.attr.startswith("_") and not node.attr.startswith("__")):
                out["private name"].append(f"{module} line {node.lineno}: "
                                           f"{node.value.id}.{node.attr}")
            target = getattr(node, "target", None)
            if isinstance(node, ast.AugAssign) and getattr(target, "id", "") == "__all__":
                out["shim"].append(f"{module} line {node.lineno}: __all__ += …")
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and getattr(node.func.value, "id", "") == "__all__"):
                out["shim"].append(f"{module} line {node.lineno}: __all__.{node.func.attr}(…)")
        if not is_package(module, files):
            exported = next((ast.literal_eval(n.value) for n in tree.body
                             if isinstance(n, ast.Assign)
                             and any(getattr(t, "id", "") == "__all__" for t in n.targets)), [])
            extra = set(exported) - defined(tree)
            if extra:
                out["shim"].append(f"{module}: __all__ names {sorted(extra)}, defined elsewhere")
    return out


if __name__ == "__main__":
    result = findings()
    for rule, items in result.items():
        print(f"{len(items):4d}  {rule}")
        if "--list" in sys.argv:
            for item in items:
                print("        " + item)
