"""A snapshot refusal in the reader's language.

The store (``offline_cache``, Qt-free and shared with the publisher's command) words its refusals
in zh_CN for IT staff, with the detail the check found: the file, the version, TUF's own words.
Each refusal also carries a stable reason code and the TUF role; ``explain`` turns those into a
core message that is translated like any other, so the English window says what was refused and
what to do in English. Where no translation is in force (the zh_CN window, the command line) the
store's own, more detailed words are kept."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from desktop.site.messages import QT_TRANSLATE_NOOP, Message
from offline_cache.errors import SnapshotRefused

ROLES = {"root": QT_TRANSLATE_NOOP("core", "信任根（root）"),
         "timestamp": QT_TRANSLATE_NOOP("core", "时间戳（timestamp）"),
         "snapshot": QT_TRANSLATE_NOOP("core", "快照元数据（snapshot）"),
         "targets": QT_TRANSLATE_NOOP("core", "目标元数据（targets）"),
         None: QT_TRANSLATE_NOOP("core", "离线数据")}

REASONS = {
    "missing-file": QT_TRANSLATE_NOOP(
        "core", "{role}：缺少文件，快照不完整。请确认U盘或共享文件夹中的快照文件夹完整。"),
    "malformed": QT_TRANSLATE_NOOP(
        "core", "{role}：不是有效的快照或元数据。请选择省平台发布的快照文件夹（含 metadata 与 targets）。"),
    "weak-sealing": QT_TRANSLATE_NOOP(
        "core", "{role}：自然人数据的保护参数低于本机要求，拒绝安装。请向省平台索取正式快照。"),
    "threshold": QT_TRANSLATE_NOOP(
        "core", "{role}：签名未达到门槛，或不是由受信任的密钥签署。请向省平台索取正式快照。"),
    "rollback": QT_TRANSLATE_NOOP(
        "core", "{role}：比本机已信任的版本旧，拒绝回退到旧数据。请使用更新的快照。"),
    "expired": QT_TRANSLATE_NOOP("core", "{role}：已过期。请使用更新的快照，或联系省平台。"),
    "hash-mismatch": QT_TRANSLATE_NOOP(
        "core", "{role}：文件的长度或哈希与签名不符，文件被改动或来自不同版本。请向省平台索取正式快照。"),
    "too-large": QT_TRANSLATE_NOOP("core", "{role}：文件超过允许的长度，已停止读取。请向省平台索取正式快照。"),
    "unreachable": QT_TRANSLATE_NOOP("core", "{role}：无法读取来源。请确认U盘已插好或共享文件夹可以访问。"),
    "wrong-base": QT_TRANSLATE_NOOP(
        "core", "{role}：增量数据针对的不是本机已安装的版本。请使用完整快照或对应版本的增量。"),
    "bucket-mismatch": QT_TRANSLATE_NOOP(
        "core", "{role}：数据与签署的分组表不符，数据文件被改动过。请重新导入快照。"),
    "no-snapshot": QT_TRANSLATE_NOOP(
        "core", "{role}：没有可安装的快照。请确认U盘或共享文件夹中有省平台发布的快照。"),
    "cancelled": QT_TRANSLATE_NOOP("core", "已取消安装，本机离线数据保持不变。"),
    "tampered": QT_TRANSLATE_NOOP(
        "core", "{role}：本机已安装的离线数据与其签名元数据不符（被改动或损坏）。请重新导入快照。"),
    "untrusted-root": QT_TRANSLATE_NOOP(
        "core", "{role}：新的信任根没有旧信任根门槛数量的签名，拒绝。请联系省平台。"),
}


@dataclass(frozen=True)
class Refusal(Message):
    """Rendered through a translation when one is in force, else as the store's ``detail``."""
    detail: str = ""

    def render(self, translate: Callable[[str, str], str] | None = None) -> str:
        if translate is not None and translate("core", self.template) != self.template:
            return super().render(translate)
        return self.detail


def explain(exc: SnapshotRefused) -> Refusal:
    role = Message(ROLES.get(exc.role, ROLES[None]))
    return Refusal(REASONS[exc.reason], {"role": role}, detail=exc.message)
