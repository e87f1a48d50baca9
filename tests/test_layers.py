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
    "data.access": None,
    "data.preferences": {"update", "add_channel", "remove_channel", "rotate_link_key"},
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
