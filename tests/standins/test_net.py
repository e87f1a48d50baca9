"""Regression: CI once failed because the demo's mail sink took the port its own web server was about to
bind (`address already in use`). The OS hands a just-released port out again often (about one in twenty
picks here), so free ports must be remembered, and a process can name ports to stay away from."""

from demo import Demo
from settings import Settings
from standins.net import free_port


def test_a_process_never_gets_the_same_free_port_twice() -> None:
    ports = [free_port() for _ in range(2000)]
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
        settings = Demo().configure(Settings(port=web_port))
        assert settings.smtp_port != web_port
