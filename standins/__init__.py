"""Stand-ins for Jellyseerr, Sonarr and an SMTP server: only what Airdate uses, with fictional data.

The demo (``demo/``) runs them so it exercises the real client, webhook and SMTP code; the tests use
them too. Airdate itself never imports them.
"""
