"""The window's dialogs: operator sign-in, about/status, snapshot import, settings, and the
correcting decision on a recorded check. Each takes what it needs from the window (the desk
context, the job runner) and does its disk, crypto and network steps through the runner."""
