"""Where this desk stands: the deployment config (parsed, validated, typed), its folders, its log,
and the message type every layer uses to speak to the clerk.

May import nothing else in `desktop/`. Start reading at `config.py` (the TOML contract of
DESIGN.md), then `paths.py` (CREDIT_DESK_HOME and the per-OS folders)."""
