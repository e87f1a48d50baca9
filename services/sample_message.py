"""A made-up batch: what the admin's templates are checked against when saved, and what the Messages
page previews when the chosen person has nothing pending."""

from datetime import UTC, datetime

from data.batches import Batch, Item
from data.show_facts import EpisodeFacts, Show


def _episode(number: int, show: str, tmdb_id: int, season: int, title: str, overview: str) -> Item:
    aired = datetime(2025, 1, 16, 2, 0, tzinfo=UTC)
    return Item(
        notification_id=number,
        subject=f"{show} S{season:02d}E{number:02d}",
        body=f"{show} S{season:02d}E{number:02d} is available",
        show=show,
        season=season,
        number=number,
        episode_title=title,
        air_date=aired.date(),
        attempts=1,
        tmdb_id=tmdb_id,
        facts=EpisodeFacts(air_at=aired, runtime=53, overview=overview),
    )


SAMPLE_BATCH = Batch(
    user_id=1,
    username="Sam Sample",
    email="sam@example.org",
    items=[
        _episode(
            1, "Severance", 95396, 2, "Hello, Ms. Cobel", "Mark returns to Lumon, where much has changed."
        ),
        _episode(2, "Severance", 95396, 2, "Goodbye, Mrs. Selvig", "Mark and Helly look for answers."),
        _episode(5, "The Bear", 136315, 3, "Children", "Carmy takes stock of the restaurant."),
    ],
    owner="",
    time_zone="America/New_York",
    shows={
        95396: Show(95396, "/pqzjCxPVc9TkVgGRWeAoMmyqkZV.jpg", "Employees have their memories split.", None),
        136315: Show(136315, "/sHFlbKS3WLqMnp9t2ghADIJFnuQ.jpg", "A chef runs his family's sandwich shop."),
    },
)
