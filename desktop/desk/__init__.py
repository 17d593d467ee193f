"""The wiring: one object that builds and holds a desk's checker, case file, outbox and updater for
a session, from the deployment config; the local API the hall's approval system posts checks to,
with its tickets; the post-approval watch wired to installs and the platform's change feed.

May import every layer below it. Start reading at `context.py` (`DeskContext`), then
`local_api.py`."""
