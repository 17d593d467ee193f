"""Clerk-facing messages from the Qt-free core.

The core speaks zh_CN, the primary language, and the source language of every translatable string
in the project. Each message is marked with ``QT_TRANSLATE_NOOP("core", template)`` so that
``pyside6-lupdate`` extracts it into ``resources/translations/*.ts``; the window renders it through
``QCoreApplication.translate("core", template)`` for English, the command line prints it as is.
Parameters are filled in *after* translation, so a translation may reorder them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name lupdate looks for
    return text


@dataclass(frozen=True)
class Message:
    template: str
    params: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return self.render()

    def render(self, translate: Callable[[str, str], str] | None = None) -> str:
        # Nested messages (a reason inside a frame) are translated on their own, so each
        # template stays one extractable string.
        params = {k: v.render(translate) if isinstance(v, Message) else v
                  for k, v in self.params.items()}
        template = translate("core", self.template) if translate else self.template
        try:
            return template.format(**params)
        except (KeyError, IndexError, ValueError):
            # A broken translation must never hide the message itself.
            return self.template.format(**params)


class UserError(Exception):
    """An error a user caused and can fix; carries a clerk-facing message and the CLI exit code."""

    exit_code = 2

    def __init__(self, message: Message | str, *, exit_code: int | None = None):
        self.message = message if isinstance(message, Message) else Message(message)
        if exit_code is not None:
            self.exit_code = exit_code
        super().__init__(str(self.message))
