"""A real Airdate server that sends e-mail to the tests' SMTP sink, quickly and with no grouping delay."""

from .server import Server


def sending_server(database_url: str, smtp_port: int, **settings: str) -> Server:
    defaults = {
        "smtp_host": "127.0.0.1",
        "smtp_port": str(smtp_port),
        "smtp_tls": "none",
        "grouping_delay": "0",
        "send_interval": "0.2",
    }
    return Server(database_url, defaults | settings)
