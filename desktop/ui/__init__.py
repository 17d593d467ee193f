"""The clerk's Qt window. Everything here is presentation: the decisions live in the Qt-free core
(`desktop/`, `offline_cache/`), and every network, disk or crypto step runs through
`desktop.ui.jobs` so the GUI thread never waits on it."""
