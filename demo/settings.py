"""The demo's own settings (``--demo``, ``--demo-database-url``, ``--demo-interval``): main.py adds them to
the command line beside the product's, which never sees them."""

from pydantic import Field

from settings import Group, flat_names


class DemoSettings(Group):
    model_config = flat_names("demo_")

    enabled: bool = Field(
        False,
        validation_alias="demo",
        description="run the demo: its own database, stand-ins and a simulator",
    )
    database_url: str = Field("sqlite:///airdate-demo.sqlite3", description="database of the demo")
    interval: float = Field(2.0, gt=0, description="seconds between two simulated events")
