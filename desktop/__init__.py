"""Credit Desk (信用核查窗口端): the service-hall window client.

Layers, lowest first (DESIGN.md "Inside desktop/"; `tests/test_layers.py` enforces them):
`site/` where this desk stands → `check/` the check path and policy → `platform/`, `offline/`,
`casefile/` → `desk/` the wiring → `ui/` the window → `app/` the entry points."""
__version__ = "0.1.0"
