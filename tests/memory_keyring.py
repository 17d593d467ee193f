"""Keyring backends for tests only (the real OS keyring is not available headless).

``MemoryKeyring`` lives in one process. ``FileKeyring`` is shared with the subprocesses a test
starts (``PYTHON_KEYRING_BACKEND=memory_keyring.FileKeyring`` and ``TEST_KEYRING_FILE``); the file
is always outside ``CREDIT_DESK_HOME``, which tests check holds no secret."""
from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    priority = 1

    def __init__(self):
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.store.get((service, username))

    def set_password(self, service, username, password):
        self.store[(service, username)] = password

    def delete_password(self, service, username):
        if self.store.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


class FileKeyring(KeyringBackend):
    priority = 1

    @property
    def path(self) -> Path:
        return Path(os.environ["TEST_KEYRING_FILE"])

    def _load(self) -> dict:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}

    def get_password(self, service, username):
        return self._load().get(f"{service}/{username}")

    def set_password(self, service, username, password):
        data = self._load()
        data[f"{service}/{username}"] = password
        self.path.write_text(json.dumps(data), encoding="utf-8")

    def delete_password(self, service, username):
        data = self._load()
        if data.pop(f"{service}/{username}", None) is None:
            raise PasswordDeleteError(username)
        self.path.write_text(json.dumps(data), encoding="utf-8")


class PlaintextFileKeyring(FileKeyring):
    """The same file, named as keyrings.alt's file backends name theirs (``file_path``): what the
    self-test must recognise as a keyring that is only a file."""

    @property
    def file_path(self) -> str:
        return str(self.path)
