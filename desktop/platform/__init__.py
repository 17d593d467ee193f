"""The provincial platform as the desk speaks to it: the Platform API client with its wall-clock
deadline per exchange, request signing, answer validation, operator sign-in, the change feed, the
app secret in the OS keyring, and the feedback outbox.

May import `check/` and `site/`. Start reading at `client.py` (`PlatformClient.query`, which the
check path calls through `check.sources.Platform`), then `outbox.py`."""
