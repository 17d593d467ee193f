"""The installed offline snapshot as the check and the post-approval watch see it, and its updates
from the platform or from a folder (USB stick, hall share). The signed format itself lives in the
top-level `offline_cache`.

May import `check/`, `site/` and `offline_cache`. Start reading at `data.py` (`OfflineData.answer`),
then `updater.py`."""
