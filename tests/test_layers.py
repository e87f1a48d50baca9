"""The direction of dependencies, read from the code's own imports: data ← live/services ← api ← ui ←
application ← main; and the faces (api/, ui/) change nothing in the database themselves — they call a
use case in services/ (which owns the thread hand-off, the audit line and the errors)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAYERS = {"data": 0, "live": 1, "services": 1, "api": 2, "ui": 3}
FRAMEWORKS = {"nicegui", "fastapi", "starlette", "uvicorn"}
WRITERS = {  # modules of data/ that change the database, and the writers among data.preferences
    "data.writes": None,
    "data.jellyseerr": None,
    "data.outbox": None,
    "data.unwanted": None,
    "data.requeue": None,
    "data.access": None,
    "data.preferences": {"update", "add_channel", "remove_channel", "rotate_link_key"},
    "data.leases": None,
    "data.meta": {"put", "once"},
    "data.jobs": {"start", "renew", "finish", "expire", "abandon"},
    "data.changes": {"prune"},
    "data.counters": {"recount"},
    "data.shared_logs": {"append"},
    "data.samples": {"record", "thin", "backfill", "backfill_if_empty"},
}


def imports(package: str) -> list[tuple[str, str, str]]:
    """(file, imported module, imported name or "") for every import in the package's modules."""
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        where = str(path.relative_to(ROOT))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [(where, alias.name, "") for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found += [(where, node.module, alias.name) for alias in node.names]
    return found


def test_every_package_imports_only_the_layers_below_it() -> None:
    upward = []
    for package, level in LAYERS.items():
        for where, module, _ in imports(package):
            top = module.split(".")[0]
            if top in LAYERS and LAYERS[top] > level and top != package:
                upward.append(f"{where} imports {module}")
            if package == "data" and top in FRAMEWORKS:
                upward.append(f"{where} imports {module} (data/ knows no web framework)")
    assert upward == []


def test_the_faces_change_nothing_in_the_database_themselves() -> None:
    direct = []
    for package in ("api", "ui"):
        for where, module, name in imports(package):
            writer = f"{module}.{name}" if name else module
            if writer in WRITERS:  # `from data import preferences`: the whole module
                direct.append(f"{where} imports {writer}")
            elif module in WRITERS and (WRITERS[module] is None or name in WRITERS[module]):
                direct.append(f"{where} imports {name} from {module}")
    assert direct == [], "call services/ instead"


HAND_OFFS = {"to_thread", "io_bound", "cpu_bound", "run_in_executor"}


def hand_offs(package: str) -> list[str]:
    """Where the package's modules send work to a thread or process themselves."""
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Attribute) and node.attr in HAND_OFFS:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.attr}")
    return found


def test_the_faces_hand_no_work_to_a_thread_themselves() -> None:
    """A use case owns its thread hand-off (services/, e.g. AsyncAccess): pages and routes only await."""
    assert hand_offs("api") + hand_offs("ui") == []
    assert hand_offs("services") != []  # the check sees a hand-off where there is one


def module_imports(package: str) -> dict[str, set[str]]:
    """Each module of the package (``data.db``…) and the modules of the package it imports, relative
    imports and those under ``if TYPE_CHECKING:`` included (``from . import x`` is the module ``x``)."""
    modules = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        here = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found = set()
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # from . import x, from .x import y, from .. import z
                    parent = here.rsplit(".", node.level - 1)[0] if node.level > 1 else here
                    base = f"{parent}.{base}" if base else parent
                named = {f"{base}.{alias.name}" for alias in node.names} & modules.keys()
                found |= named or {base}
        graph[name] = {module for module in found if module in modules and module != name}
    return graph


def cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle of the graph (as a path that ends where it starts), or [] if it has none."""
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> list[str]:
        if module in path:
            return [*path[path.index(module) :], module]
        if module in done:
            return []
        for imported in sorted(graph[module]):
            if found := visit(imported, [*path, module]):
                return found
        done.add(module)
        return []

    for module in sorted(graph):
        if found := visit(module, []):
            return found
    return []


def test_data_has_no_import_cycle() -> None:
    """Package ``__init__`` files aside (a module that imports ``data`` is the package's user, not part
    of a cycle), no module of data/ imports, directly or not, a module that imports it."""
    graph = module_imports("data")
    inner = {name: {m for m in imported if m != "data"} for name, imported in graph.items() if name != "data"}
    assert cycle(inner) == [], " → ".join(cycle(inner))


def test_the_cycle_check_finds_a_cycle() -> None:
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b"}, "b": set()}) == []
