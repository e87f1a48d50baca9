import socket

_handed_out: set[int] = set()


def free_port(host: str = "127.0.0.1", avoid: frozenset[int] | set[int] = frozenset()) -> int:
    """A TCP port nobody listens on right now (the OS picks it).

    The port is free only until someone binds it, and the OS may hand the same number out again before
    then. So a process never gets the same number twice from here, and ``avoid`` lists ports another
    process was told to bind but may not have bound yet (the demo's mail sink must not take the port its
    own web server is about to listen on)."""
    while True:
        with socket.socket() as sock:
            sock.bind((host, 0))
            port = sock.getsockname()[1]
        if port not in _handed_out and port not in avoid:
            _handed_out.add(port)
            return port
