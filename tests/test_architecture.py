"""The layout holds: imports run one way (import-linter's contracts in pyproject.toml), no
module takes part in a circle of imports, and worker.py – which import-linter cannot take as a
root – imports nothing of the composition root or the web app."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "klyngepakke",
    "web",
    "client",
    "workflows",
    "activities",
    "storage",
    "catalog",
    "renderers",
    "schemas",
)


def test_every_import_contract_is_kept():
    lint = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    run = subprocess.run([lint], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:]
    assert "0 broken" in run.stdout


def test_no_module_imports_itself_back_through_others():
    graph = grimp.build_graph(*PACKAGES)
    circles = [
        (module, imported)
        for module in graph.modules
        for imported in graph.find_modules_directly_imported_by(module)
        if graph.find_shortest_chain(importer=imported, imported=module)
    ]
    assert circles == []


def test_the_worker_entry_point_imports_nothing_above_it():
    tree = ast.parse((ROOT / "worker.py").read_text())
    imported = {
        (node.module or "").split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
    } | {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert not imported & {"klyngepakke", "web", "client"}


# Temporal plumbing, not what a workflow knows: the memo of the search attributes last
# upserted (compared only, so an unchanged upsert is no event) and the interceptor that counts
# unsealed signals.
PLUMBING = {("Published", "_last"), ("SealedInbound", "_unsealed_signals")}


def test_what_a_workflow_knows_is_the_fold_of_its_events():
    """No workflow, stage or helper in workflows/ assigns an attribute of its own outside
    __init__: the order, its flags and what it learnt are events folded by a pure apply."""
    assigned = []
    for path in sorted((ROOT / "workflows").rglob("*.py")):
        for cls in ast.walk(ast.parse(path.read_text())):
            if not isinstance(cls, ast.ClassDef):
                continue
            for method in cls.body:
                if not isinstance(method, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                if method.name == "__init__":
                    continue
                for node in ast.walk(method):
                    targets = (
                        node.targets
                        if isinstance(node, ast.Assign)
                        else [node.target]
                        if isinstance(node, ast.AugAssign | ast.AnnAssign)
                        else []
                    )
                    assigned += [
                        f"{path.relative_to(ROOT)}:{node.lineno} {cls.name}.{target.attr}"
                        for target in targets
                        if isinstance(target, ast.Attribute)
                        and isinstance(target.value, ast.Name)
                        and target.value.id == "self"
                        and (cls.name, target.attr) not in PLUMBING
                    ]
    assert assigned == []
