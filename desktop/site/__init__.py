"""Where this desk stands: the deployment config (parsed, validated, typed), its folders, its log,
the hall's clock, why a write to its disk failed, and what every layer needs to speak to the
clerk: the message type, masked identity numbers, outside text made fit to show.

May import nothing else in `desktop/`. Start reading at `config.py` (the TOML contract of
DESIGN.md), then `paths.py` (CREDIT_DESK_HOME and the per-OS folders)."""
