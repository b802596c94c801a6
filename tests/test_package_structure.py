"""The whole package imports one way: common → autograd → nn → optim → saving → viz → practice
→ cli.

Each module is parsed (not imported) by ``package_imports``; the test fails on an
import cycle, an import up the layer order, an import of the package's own
modules inside a function, a function-level import of anything but an optional
third-party package marked ``# optional``, a private name imported from another
module, a re-export shim (``__all__ += …``, or ``__all__`` naming what the
module does not define), and a name imported from a module that does not define
it. The same rules, applied to a small made-up package, show each check can fail.
"""

from __future__ import annotations

import ast
import importlib
import textwrap

import package_imports as pi
import pytest

FINDINGS = pi.findings()


def test_every_folder_of_the_package_has_a_layer():
    files = pi.module_files()
    folders = {m.split(".")[1] for m in files if m.count(".") >= 1 and m != "stepgrad.__main__"}
    assert folders == set(pi.LAYERS)
    assert pi.LAYERS == ("common", "autograd", "nn", "optim", "saving", "viz", "practice", "cli")


@pytest.mark.parametrize("rule", sorted(FINDINGS))
def test_the_package_breaks_no_rule(rule):
    assert FINDINGS[rule] == [], f"{rule}:\n" + "\n".join(FINDINGS[rule])


def test_the_package_root_imports_nothing_of_its_own():
    """``import stepgrad`` runs before any of its modules, so it is below them all."""
    found = [i for i in pi.imports() if i.module == "stepgrad" and i.project]
    assert found == []


def test_each_class_name_is_used_once_in_the_package():
    """One ``Neuron`` (the model's), one ``Edge`` (the picture's arrow), …: a reader who
    meets a class name knows which class it is."""
    where = {}
    for module, path in pi.module_files().items():
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.ClassDef):
                where.setdefault(node.name, []).append(module)
    assert {name: ms for name, ms in where.items() if len(ms) > 1} == {}


def test_no_name_of_a_package_hides_one_of_its_modules():
    """``import stepgrad.optim.training`` is the module, ``stepgrad.optim.fit`` the function:
    no package exports a function or class under the name of one of its modules."""
    files = pi.module_files()
    for module in files:
        if "." in module and module.rsplit(".", 1)[0] in files:
            package = importlib.import_module(module.rsplit(".", 1)[0])
            name = module.rsplit(".", 1)[1]
            if hasattr(package, name):
                assert getattr(package, name) is importlib.import_module(module), module


# ------------------------------------------------ each rule, on a made-up package


def _package(tmp_path, sources: dict) -> dict:
    """Write ``{"stepgrad/nn/x.py": source}`` under tmp_path; the files map of it."""
    files = {}
    for rel, source in sources.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source))
        parts = rel[:-3].split("/")
        if parts[-1] == "__init__":
            parts = parts[:-1]
        files[".".join(parts)] = path
    return files


BASE = {"stepgrad/__init__.py": "", "stepgrad/nn/__init__.py": "",
        "stepgrad/optim/__init__.py": "", "stepgrad/viz/__init__.py": ""}


def _found(tmp_path, **sources) -> dict:
    files = _package(tmp_path, {**BASE, **{k.replace("__", "/") + ".py": v
                                           for k, v in sources.items()}})
    return {rule: items for rule, items in pi.findings(files).items() if items}


def test_a_clean_package_passes(tmp_path):
    assert _found(tmp_path, stepgrad__nn__a="X = 1\n",
                  stepgrad__optim__b="from stepgrad.nn.a import X\n") == {}


def test_a_cycle_fails(tmp_path):
    found = _found(tmp_path, stepgrad__nn__a="from .b import Y\nX = 1\n",
                   stepgrad__nn__b="from .a import X\nY = 1\n")
    assert found["cycle"] == ["stepgrad.nn.a → stepgrad.nn.b → stepgrad.nn.a"]


def test_an_import_up_the_order_fails(tmp_path):
    found = _found(tmp_path, stepgrad__nn__a="from stepgrad.optim.b import Y\n",
                   stepgrad__optim__b="Y = 1\n")
    assert found == {"up the order": ["stepgrad.nn.a line 1: from stepgrad.optim.b import Y"]}


def test_from_a_package_import_a_module_is_an_import_of_that_module(tmp_path):
    found = _found(tmp_path, stepgrad__nn__a="from stepgrad import optim\n")
    assert list(found) == ["up the order"]


def test_a_function_level_import_of_the_package_fails(tmp_path):
    found = _found(tmp_path, stepgrad__nn__a="X = 1\n",
                   stepgrad__optim__b="def f():\n    from stepgrad.nn.a import X\n    return X\n")
    assert list(found) == ["function-level project import"]


def test_only_optional_packages_marked_so_are_imported_in_a_function(tmp_path):
    ok = "def f():\n    import torch  # optional: the [torch] extra\n"
    assert _found(tmp_path, stepgrad__nn__a=ok) == {}
    unmarked = "def f():\n    import torch\n"
    stdlib = "def f():\n    import math  # optional\n"
    for source in (unmarked, stdlib):
        assert list(_found(tmp_path, stepgrad__nn__a=source)) == [
            "function-level import not optional"]


def test_a_private_name_from_another_module_fails(tmp_path):
    found = _found(tmp_path, stepgrad__nn__a="def _helper():\n    pass\n",
                   stepgrad__nn__b="from .a import _helper\n")
    assert list(found) == ["private name"]


def test_a_private_name_read_off_another_module_fails(tmp_path):
    found = _found(tmp_path, stepgrad__nn__a="def _helper():\n    pass\n",
                   stepgrad__nn__b="from . import a\n\nX = a._helper\n")
    assert found == {"private name": ["stepgrad.nn.b line 3: a._helper"]}


def test_a_re_export_shim_fails(tmp_path):
    for b in ('from .a import X\n__all__ = ["Y"]\n__all__ += ["X"]\nY = 2\n',
              'from .a import X\n__all__ = ["X", "Y"]\nY = 2\n'):
        found = _found(tmp_path, stepgrad__nn__a="X = 1\n", stepgrad__nn__b=b)
        assert list(found) == ["shim"] and len(found["shim"]) == 1, found


def test_a_name_imported_from_a_module_that_only_passes_it_on_fails(tmp_path):
    found = _found(tmp_path, stepgrad__nn__a="X = 1\n", stepgrad__nn__b="from .a import X\n",
                   stepgrad__nn__c="from .b import X\n")
    assert list(found) == ["name not defined where imported from"]
