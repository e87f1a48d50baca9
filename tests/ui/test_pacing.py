"""A viewer's widgets redraw at most once per interval: a burst is one redraw now and one at its end."""

from ui.pacing import Pacer

from ..utils.waiting import eventually


async def test_the_first_change_draws_at_once_and_a_burst_once_at_the_end_with_the_latest() -> None:
    pacer, drawn = Pacer(0.2), []
    pacer.call(lambda: drawn.append(1))
    assert drawn == [1], "nothing was drawn lately: at once"
    for step in (2, 3, 4):
        pacer.call(lambda step=step: drawn.append(step))
    assert drawn == [1], "within the interval: later"
    await eventually(lambda: drawn == [1, 4], within=2)
    pacer.call(lambda: drawn.append(5))
    assert drawn == [1, 4], "the burst's end was a draw too: the next waits its interval"
    await eventually(lambda: drawn == [1, 4, 5], within=2)


async def test_a_cancelled_draw_never_comes() -> None:
    pacer, drawn = Pacer(0.05), []
    pacer.call(lambda: drawn.append(1))
    pacer.call(lambda: drawn.append(2))
    pacer.cancel()
    pacer.call(lambda: drawn.append(3))  # the interval since the first still runs: waits
    await eventually(lambda: drawn == [1, 3], within=2)
