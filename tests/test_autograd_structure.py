"""The engine's layout reads one way: core → op table → node types → function forms.

Each module imports only from modules before it (no cycle), at the top of the
file (no late import), and imports each name from the module that defines it
(no re-export shims). Op names are unique, and ``has_partials`` says which
ops give local derivatives.
"""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

import stepgrad.autograd as ag
from stepgrad.autograd import nary_ops, ops, shape_ops, softmax, tensor_ops

PACKAGE = Path(ag.__file__).parent
MODULES = {p.stem: ast.parse(p.read_text()) for p in PACKAGE.glob("*.py")}


def _sibling_imports(tree):
    """(module, names) for each ``from .m import names`` / ``from . import m`` in ``tree``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module is None:
                for a in node.names:
                    yield a.name, ()
            else:
                yield node.module, tuple(a.name for a in node.names)


def _defined(tree) -> set:
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def test_the_package_imports_form_no_cycle():
    graph = {m: {dep for dep, _ in _sibling_imports(t)} for m, t in MODULES.items()}
    done, path = set(), []

    def visit(m):
        if m in path:
            pytest.fail("import cycle: " + " → ".join(path[path.index(m):] + [m]))
        if m in done:
            return
        path.append(m)
        for dep in sorted(graph[m]):
            visit(dep)
        path.pop()
        done.add(m)

    for m in sorted(graph):
        visit(m)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_every_import_is_at_the_top_of_the_file(module):
    top = set(map(id, MODULES[module].body))
    for node in ast.walk(MODULES[module]):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            assert id(node) in top, f"{module}.py line {node.lineno}: an import inside a body"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m != "__init__"))
def test_each_name_is_imported_from_where_it_is_defined(module):
    for source, names in _sibling_imports(MODULES[module]):
        if source in MODULES:
            missing = set(names) - _defined(MODULES[source])
            assert not missing, f"{module}.py imports {missing} from {source}.py, which " \
                                f"does not define them"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m != "__init__"))
def test_a_module_exports_only_what_it_defines(module):
    tree = MODULES[module]
    exported = next((ast.literal_eval(n.value) for n in tree.body if isinstance(n, ast.Assign)
                     and any(getattr(t, "id", "") == "__all__" for t in n.targets)), [])
    shims = set(exported) - _defined(tree)
    assert not shims, f"{module}.py re-exports {shims}"


def _op_classes():
    mods = (ops, nary_ops, tensor_ops, shape_ops, softmax)
    return [c for m in mods for c in vars(m).values()
            if isinstance(c, type) and issubclass(c, ops.Op) and c is not ops.Op
            and c.__module__ == m.__name__]


def test_op_names_and_symbols_are_unique():
    classes = _op_classes()
    names = [c.name for c in classes]
    symbols = [c.symbol for c in classes]
    assert len(set(names)) == len(names), sorted(names)
    assert len(set(symbols)) == len(symbols), sorted(symbols)


def test_has_partials_says_whether_the_op_gives_local_derivatives():
    for c in _op_classes():
        assert c.has_partials == hasattr(c, "partials") != hasattr(c, "vjp"), c.__name__
    assert ops.Tanh.has_partials and nary_ops.Dot.has_partials
    assert not tensor_ops.MatMul.has_partials


def test_local_derivatives_are_the_ops_own():
    u = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    np.testing.assert_array_equal(ag.local_derivatives(ops.Tanh, u)[0], 1 - np.tanh(u) ** 2)
    np.testing.assert_array_equal(ag.local_derivatives(ops.Relu, u)[0], [0, 0, 0, 1, 1])
    np.testing.assert_array_equal(ag.local_derivatives(ops.Hardtanh, u)[0], [0, 1, 1, 1, 0])
    assert ag.local_derivatives(ops.Mul, 2.0, 3.0) == (3.0, 2.0)
    with pytest.raises(TypeError, match="vjp"):
        ag.local_derivatives(tensor_ops.MatMul, u, u)
