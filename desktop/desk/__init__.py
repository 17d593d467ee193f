"""The wiring: one object that builds and holds a desk's checker, case file, outbox and updater for
a session, from the deployment config; the local API the hall's approval system posts checks to,
with its tickets; the post-approval watch wired to installs and the platform's change feed; and
the window's questions that need no Qt: the status bar's facts (`status_facts.py`), the history
tab's filter (`history.py`) and where record sheets are written (`sheets.py`).

May import every layer below it. Start reading at `context.py` (`DeskContext`), then
`local_api.py`."""
