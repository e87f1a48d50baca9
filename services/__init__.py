"""Airdate's service loop: Jellyseerr sync, Sonarr episodes, batched e-mail, jobs. Imports data only."""
