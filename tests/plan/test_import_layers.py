"""The apps' imports point one way: policies and people at the bottom, evaluation above them,
reminders, publication and ops on top, the project (``plan``) over all. Read from the source
with ``ast``, every import counts, the ones inside functions too (they cannot hide a cycle).
``make lint`` keeps the same layers by package with import-linter (``[tool.importlinter]``)."""

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# people (who someone is) sits just above the plan's structure: it names a staff member's
# 実施主体; the plan's pages ask it who may import a plan (a known upward import).
LAYERS = {
    "policies": 0,
    "people": 1,
    "evaluation": 2,
    "reminders": 3,
    "publication": 3,
    "ops": 3,
    "plan": 4,
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def app_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for app in LAYERS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    }


def imports() -> set[tuple[str, str]]:
    """(importer, imported) for every import between the apps' modules."""
    modules = app_modules()
    edges = set()
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*up, base] if base else up)
                targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
            else:
                continue
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    edges.add((name, target))
    return edges


def layer(module: str) -> int:
    return LAYERS[module.partition(".")[0]]


# The one import still climbing: the plan's pages (policies.views) show the years and the
# import right, which the evaluation app's access rules decide (one rule per object type,
# ``evaluation/access.py``). Those views go up a layer when the apps get their rooms.
KNOWN_UPWARD = {("policies.views", "evaluation.access"), ("policies.views", "people.access")}


def upward(edges: set[tuple[str, str]]) -> list[tuple[str, str]]:
    """Imports from a lower layer into a higher one. The project package (``plan``) holds the
    settings and the request helpers every app may use, so importing it is not climbing."""
    return sorted((a, b) for a, b in edges if b.partition(".")[0] != "plan" and layer(a) < layer(b))


def cycles(edges: set[tuple[str, str]]) -> list[list[str]]:
    """Groups of modules that import each other, directly or around a loop (Tarjan)."""
    graph: dict[str, list[str]] = {}
    for a, b in edges:
        graph.setdefault(a, []).append(b)
        graph.setdefault(b, [])
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_one_of_a_higher_layer():
    assert set(upward(imports())) == KNOWN_UPWARD


def test_no_modules_import_each_other():
    assert cycles(imports()) == []


def test_a_module_of_a_lower_layer_importing_a_higher_one_is_caught():
    edges = {("policies.models", "evaluation.models"), ("evaluation.models", "policies.models")}
    assert upward(edges) == [("policies.models", "evaluation.models")]
    assert cycles(edges) == [["evaluation.models", "policies.models"]]


def test_import_linter_checks_the_same_layers():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = config["contracts"]
    by_layer: dict[int, set[str]] = {}
    for app, level in LAYERS.items():
        if app != "plan" and (ROOT / app).is_dir():
            by_layer.setdefault(level, set()).add(app)
    listed = [
        {name.strip(" ()") for name in layer.replace("|", ":").split(":")}
        for layer in reversed(contract["layers"])
    ]
    assert [apps & set(config["root_packages"]) for apps in listed] == [
        by_layer[level] for level in sorted(by_layer)
    ]
    assert set(contract["ignore_imports"]) == {f"{a} -> {b}" for a, b in KNOWN_UPWARD}


def test_the_graph_is_read_from_the_source():
    edges = imports()
    assert ("evaluation.models", "policies.models") in edges
    assert ("reminders.apps", "evaluation.signals") in edges  # an import inside a function
    assert len(edges) > 100


if __name__ == "__main__":
    edges = imports()
    print(f"{len(edges)} imports, {len(upward(edges))} upward, {len(cycles(edges))} cycles")
    for a, b in upward(edges):
        print("  up:", a, "->", b)
    for group in cycles(edges):
        print("  cycle:", " ".join(group))
