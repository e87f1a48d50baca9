"""SSE fan-out under load: many idle subscribers held by one client process, against Airdate and a
minimal reference server, on the same machine with the same client."""
