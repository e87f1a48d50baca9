from pathlib import Path

from demo.settings import DemoSettings
from settings import Settings, flat_fields, groups_of

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def test_every_setting_is_documented_with_its_default() -> None:
    for name, (_, _, field) in flat_fields({**groups_of(Settings), "demo": DemoSettings}).items():
        row = next(
            (line for line in README.splitlines() if line.startswith(f"| `AIRDATE_{name.upper()}` |")), None
        )
        assert row is not None, f"AIRDATE_{name.upper()} is missing from the README's configuration table"
        assert f"`{str(field.default).lower()}`" in row.lower(), row
