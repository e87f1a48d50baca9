"""The requester's own pages speak their language (Jellyseerr's ``settings.locale``, else the admin's
default); the admin's console shows the same person in English. In-process."""

from nicegui.testing import User
from sqlmodel import Session, col, update

from application import Airdate
from data import preferences
from data.models import NotifyMode
from data.models import User as Person

from ..utils.factories import land_episode, make_tracked_show

WORKER = 50  # should_see's tries, 0.1 s apart: the handlers read and write in a worker thread


def speaks(airdate: Airdate, user_id: int, locale: str) -> None:
    def change(session: Session) -> None:
        session.execute(update(Person).where(col(Person.id) == user_id).values(locale=locale))

    airdate.database.write(change)


async def test_the_manage_page_speaks_french_and_the_console_english(user: User, airdate: Airdate) -> None:
    fan, _ = make_tracked_show(airdate.database, tmdb_id=42, requesters=2)
    land_episode(airdate.database, 42, 1, 1)  # queued for both fans
    speaks(airdate, fan, "fr-CA")
    await user.open(f"/manage/{airdate.notifier.links.token(fan)}")
    await user.should_see("Bonjour fan42_0 : choisissez quand Airdate vous prévient", retries=WORKER)
    for words in ("Quand prévenir", "Résumé quotidien", "Quels épisodes", "Suivre une série"):
        await user.should_see(words)
    await user.should_see("Se désabonner de tout")
    await user.should_not_see("When to tell")
    (mute,) = user.find(marker="mute-42").elements
    assert mute.text == "Mettre Show 42 en sourdine"
    mute.value = True
    user.find(marker="save").click()
    await user.should_see(
        "Préférences enregistrées; 1 notification en attente ne sera pas envoyée (ignorée)", retries=WORKER
    )

    await user.open(f"/users/{fan}")  # the admin's page of the same person: the console stays English
    await user.should_see("When to tell", retries=WORKER)
    await user.should_not_see("Quand prévenir")


async def test_the_unsubscribe_page_speaks_spanish(user: User, airdate: Airdate) -> None:
    (fan,) = make_tracked_show(airdate.database, tmdb_id=7, requesters=1)
    speaks(airdate, fan, "es")
    await user.open(f"/unsubscribe/{airdate.notifier.links.token(fan)}")
    await user.should_see("¿Detener todas las notificaciones que Airdate envía a fan7_0?", retries=WORKER)
    user.find(marker="confirm-unsubscribe").click()
    await user.should_see("Hecho: Airdate no enviará más notificaciones a fan7_0.", retries=WORKER)
    assert airdate.database.read(preferences.read, fan).mode == NotifyMode.OFF
    await user.should_see("¿Cambiaste de idea? Gestiona tus notificaciones")
