"""Builds the objects a session works with from the environment: one place, so the window, the
command line and the self-test are wired the same way."""
from __future__ import annotations

import getpass
import json
import os
from dataclasses import dataclass
from functools import cached_property

from desktop.check.checker import Checker
from desktop.offline.data import OfflineData
from desktop.site import config as config_mod
from desktop.site import paths
from desktop.site.config import Config


def saved_settings() -> dict:
    try:
        return json.loads(paths.settings_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


@dataclass
class DeskContext:
    config: Config
    operator: str

    @classmethod
    def from_environment(cls, operator: str | None = None) -> "DeskContext":
        cfg = config_mod.load()
        operator = (operator or os.environ.get("CREDIT_DESK_OPERATOR")
                    or saved_settings().get("operator") or getpass.getuser())
        return cls(cfg, operator)

    @cached_property
    def offline(self) -> OfflineData:
        return OfflineData(self.config)

    @cached_property
    def platform(self):
        """The platform client, or None when the deployment is offline-only."""
        if self.config.platform is None:
            return None
        from desktop.platform.client import PlatformClient

        return PlatformClient.from_config(self.config.platform, operator=self.operator)

    @cached_property
    def checker(self) -> Checker:
        deadline = self.config.platform.deadline_seconds if self.config.platform else 3.0
        return Checker(self.offline, self.platform, deadline=deadline,
                       warn_age_hours=self.config.snapshot.warn_age_hours)

    @cached_property
    def case_file(self):
        from desktop.casefile.store import CaseFile

        return CaseFile(paths.case_file())

    @cached_property
    def outbox(self):
        """The feedback sender; its ``client`` is None in an offline-only deployment."""
        from desktop.platform.outbox import Outbox

        return Outbox(paths.case_file(), paths.outbox_file(), self.platform)

    @property
    def desk(self):
        from desktop.casefile.store import Desk

        return Desk(operator=self.operator, hall=self.config.site.hall, window=self.config.site.window)
