"""Regression: CI once failed because the demo's mail sink took the port its own web server was about to
bind (`address already in use`). The OS hands a just-released port out again often (about one in twenty
picks here), so free ports must be remembered, and a process can name ports to stay away from."""

import os
import socket

import pytest

from demo.plugin import Demo
from demo.settings import DemoSettings
from settings import Settings
from standins.net import PortPicker, ephemeral_range, free_port, worker_block

from ..conftest import this_workers_block


def test_a_process_never_gets_the_same_free_port_twice() -> None:
    ports = [free_port() for _ in range(1000)]
    assert len(set(ports)) == len(ports)


def test_ports_to_avoid_are_never_handed_out() -> None:
    taken: set[int] = set()
    for _ in range(500):
        port = free_port(avoid=taken)
        assert port not in taken
        taken.add(port)


def test_the_demo_mail_sink_never_takes_the_web_servers_port() -> None:
    for _ in range(200):
        web_port = free_port()
        settings = Demo(DemoSettings()).configure(Settings.from_flat(port=web_port))
        assert settings.smtp.port != web_port


def test_parallel_workers_pick_from_blocks_that_never_overlap_nor_meet_the_os_range() -> None:
    for workers in (1, 2, 3, 4):
        blocks = [worker_block(index, workers) for index in range(workers)]
        taken = [port for block in blocks for port in block]  # type: ignore[union-attr]
        assert len(taken) == len(set(taken))
        assert max(taken) < ephemeral_range().start


def test_a_picker_with_a_block_hands_out_its_ports_only_each_once_until_it_wraps() -> None:
    # a block no test worker's servers use (theirs end at SHARED_HIGH), below the OS's range
    picker = PortPicker(range(32_100, 32_150))
    first_round = [picker.pick() for _ in range(50)]
    with socket.socket() as taken:  # someone listens on one of them meanwhile
        taken.bind(("127.0.0.1", first_round[0]))
        taken.listen()
        second_round = [picker.pick() for _ in range(10)]
    assert set(first_round) <= set(range(32_100, 32_150)) and len(set(first_round)) == 50
    assert first_round[0] not in second_round


def test_this_test_worker_picks_from_its_own_block() -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker is None:
        pytest.skip("not a parallel run")
    block = this_workers_block()
    assert block is not None and free_port() in block
