"""The architecture of the package: the import layers of pyproject.toml hold, no two modules
import each other (directly or round a longer cycle, imports inside functions included), modules
live in the sub-packages, and no two modules share a file name.
"""

from __future__ import annotations

import copy
from collections import Counter
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "opendata"

#: The modules allowed at the top of the package, besides ``__init__.py``.
SHARED_MODULES = {"errors.py", "model.py", "resources.py", "credentials.py"}

#: Import cycles that exist today and are being removed (in validate/); each is the set of the
#: modules of one strongly connected component. The test fails on any other cycle, and on a
#: known one that has grown. Empty this set once that fix is merged.
KNOWN_CYCLES: set[frozenset[str]] = set()  # none: keep it so


# -- the import-linter contracts ----------------------------------------------------------------
def test_import_linter_contracts_hold(capfd: pytest.CaptureFixture[str]) -> None:
    """import-linter's contracts from pyproject.toml (the pipeline's layers), run in process."""
    from importlinter import api  # noqa: F401  # configures import-linter, as its CLI does
    from importlinter.application import use_cases

    passed = use_cases.lint_imports(
        config_filename=str(ROOT / "pyproject.toml"), cache_dir=None, no_logo=True
    )
    out, err = capfd.readouterr()
    assert passed == use_cases.SUCCESS, f"import-linter contracts broken:\n{out}\n{err}"


# -- import cycles ----------------------------------------------------------------------------
def build_graph() -> grimp.ImportGraph:
    """The import graph of ``opendata``: every import statement, those inside functions and
    under ``TYPE_CHECKING`` included."""
    return grimp.build_graph("opendata", cache_dir=None)


def import_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected components of more than one module, each sorted, sorted by their
    first module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    cycles: list[list[str]] = []
    successors = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            module, i = work.pop()
            if i == 0:
                index[module] = low[module] = len(index)
                stack.append(module)
                on_stack.add(module)
            recurse = False
            nexts = successors[module]
            while i < len(nexts):
                target = nexts[i]
                i += 1
                if target not in index:
                    work.append((module, i))
                    work.append((target, 0))
                    recurse = True
                    break
                if target in on_stack:
                    low[module] = min(low[module], index[target])
            if recurse:
                continue
            if low[module] == index[module]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == module:
                        break
                if len(component) > 1:
                    cycles.append(sorted(component))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[module])
    return sorted(cycles)


def describe(graph: grimp.ImportGraph, cycle: list[str]) -> str:
    """A cycle's modules, with one closed chain through its first module."""
    first, members = cycle[0], set(cycle)
    chains = [
        graph.find_shortest_chain(importer=m, imported=first)
        for m in sorted(graph.find_modules_directly_imported_by(first) & members)
    ]
    ring = min((c for c in chains if c), key=len, default=None)
    path = " -> ".join((first, *ring)) if ring else "?"
    return f"{', '.join(cycle)} (e.g. {path})"


def test_no_import_cycles() -> None:
    graph = build_graph()
    cycles = import_cycles(graph)
    new = [c for c in cycles if frozenset(c) not in KNOWN_CYCLES]
    assert not new, "import cycles between modules:\n" + "\n".join(describe(graph, c) for c in new)


def test_the_cycle_check_finds_a_cycle_added_to_the_graph() -> None:
    """An import from a low layer back to a high one, added to a copy of the graph, closes a
    cycle that :func:`import_cycles` reports with its modules."""
    graph = build_graph()
    importer, imported = "opendata.errors", "opendata.write.package"
    assert graph.chain_exists(importer=imported, imported=importer)  # package imports errors
    broken = copy.deepcopy(graph)
    broken.add_import(importer=importer, imported=imported)
    before = {frozenset(c) for c in import_cycles(graph)}
    after = [c for c in import_cycles(broken) if frozenset(c) not in before]
    assert len(after) == 1
    assert {importer, imported} <= set(after[0])
    assert importer in describe(broken, after[0])
    assert not graph.direct_import_exists(importer=importer, imported=imported)  # a copy


def test_import_cycles_of_a_small_graph() -> None:
    graph = grimp.ImportGraph()
    for module in ("p", "p.a", "p.b", "p.c", "p.d"):
        graph.add_module(module)
    graph.add_import(importer="p.a", imported="p.b")
    graph.add_import(importer="p.b", imported="p.c")
    graph.add_import(importer="p.c", imported="p.d")
    assert import_cycles(graph) == []
    graph.add_import(importer="p.c", imported="p.a")
    assert import_cycles(graph) == [["p.a", "p.b", "p.c"]]
    graph.add_import(importer="p.d", imported="p.d")  # a module importing itself is no cycle
    assert import_cycles(graph) == [["p.a", "p.b", "p.c"]]


# -- where modules live ---------------------------------------------------------------------------
def test_modules_live_in_sub_packages() -> None:
    top = sorted(
        p.name
        for p in PACKAGE.glob("*.py")
        if p.name != "__init__.py" and p.name not in SHARED_MODULES
    )
    assert not top, f"modules at the top of opendata/ (put them in a sub-package): {top}"


def project_modules() -> list[Path]:
    """The project's Python files: the package, tests, benchmarks and scripts."""
    folders = ("opendata", "tests", "benchmarks", "scripts")
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def test_module_file_names_are_unique() -> None:
    modules = project_modules()
    assert len(modules) > 50
    counts = Counter(p.name for p in modules if p.name != "__init__.py")
    shared = {
        name: sorted(str(p.relative_to(ROOT)) for p in modules if p.name == name)
        for name, n in counts.items()
        if n > 1
    }
    assert not shared, f"module file names used more than once: {shared}"
