"""The demo as a plug-in: stand-ins for Jellyseerr and Sonarr on this very server, a mail server and a
``json://`` webhook on ports of their own, a simulator that keeps them busy, and a Mailbox page
showing what Airdate sent.

Airdate's own code never imports this package; ``main.py`` plugs it in for ``--demo``: its flags come
from :mod:`demo.settings` (light: read before anything else), the plug-in from :mod:`demo.plugin`
(which needs the ``demo`` extra)."""
