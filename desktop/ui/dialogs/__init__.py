"""The window's dialogs: operator sign-in, about and desk status, snapshot import, settings, the
purpose of a person lookup, the question about an unrecorded result, and the correcting decision
on a recorded check. Each takes what it needs from the window (the desk
context, the job runner) and does its disk, crypto and network steps through the runner."""
