"""The clerk's Qt window: pages, dialogs, widgets and the job runner. Everything here is
presentation: decisions live in the widget-free layers below, and every network, disk or crypto step
runs through `jobs.py` so the GUI thread never waits on it.

May import every layer but `app/`. Start reading at `main_window.py`, then `check_page.py`."""
