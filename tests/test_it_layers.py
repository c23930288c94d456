"""The ground floor in order: `models` imports nothing above it but three leaf modules, and no
package of the project imports another in a circle (tests and migrations aside)."""
import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
LEAVES_MODELS_MAY_USE = {"base.identity", "base.uploads", "base.richtext"}


def _unit(module):
    parts = module.split(".")
    if parts[0] != "erating" or len(parts) < 2:
        return None
    if parts[1] == "base" and len(parts) >= 3:
        return "base." + parts[2]
    return parts[1]


def _exists(module):
    path = ROOT / module.replace(".", "/")
    return path.is_dir() or path.with_suffix(".py").exists()


def import_graph():
    edges = {}
    for f in (ROOT / "erating").rglob("*.py"):
        if {"tests", "migrations", "management"} & set(f.parts):
            continue
        module = ".".join(f.relative_to(ROOT).with_suffix("").parts)
        here = _unit(module)
        for node in ast.walk(ast.parse(f.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for name in names:
                there = _unit(name)
                if there and there != here and _exists(name):
                    edges.setdefault(here, {}).setdefault(there, f"{module} imports {name}")
    return edges


def cycles(edges):
    """Strongly connected components of more than one package (Tarjan)."""
    index, low, stack, on, found, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in list(edges):
        if v not in index:
            visit(v)
    return found


def test_it_finds_a_cycle_when_there_is_one():
    assert cycles({"a": {"b": ""}, "b": {"c": ""}, "c": {"a": ""}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b": ""}, "b": {"c": ""}}) == []


def test_no_package_imports_another_in_a_circle():
    edges = import_graph()
    found = cycles(edges)
    detail = [edges[a][b] for c in found for a in c for b in c if b in edges.get(a, {})]
    assert not found, f"import cycles {found}: " + "; ".join(detail)


def test_models_import_nothing_above_them():
    above = set(import_graph().get("base.models", {})) - LEAVES_MODELS_MAY_USE - {"base"}
    assert not above, f"erating.base.models imports {sorted(above)}"
