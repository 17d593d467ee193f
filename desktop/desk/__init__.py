"""The wiring: one object that builds and holds a desk's checker, case file, outbox and updater for
a session, from the deployment config.

May import every layer below it. Start reading at `context.py` (`DeskContext`)."""
