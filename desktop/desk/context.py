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
from desktop.site.messages import QT_TRANSLATE_NOOP, Message, UserError


def saved_settings() -> dict:
    try:
        return json.loads(paths.settings_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


class SignInRequired(UserError):
    """Nobody may check now: no operator signed in, the sign-in expired, or the OS account is not
    mapped. Nothing was looked up."""
    exit_code = 2


@dataclass
class DeskContext:
    config: Config
    operator: str
    # The signed-in clerk (desktop.platform.operators.Session); None until signed in. The demo
    # needs none.
    session: object | None = None
    _not_signed_in: UserError | None = None

    @classmethod
    def from_environment(cls, operator: str | None = None) -> "DeskContext":
        cfg = config_mod.load()
        ops = cfg.operators
        if ops is not None and ops.auth == "os":
            # The OS account is the operator: nothing typed or set in the environment decides it.
            from desktop.platform.operators import SignInRefused, os_session

            account = getpass.getuser()
            try:
                session = os_session(ops, account)
            except SignInRefused as exc:
                return cls(cfg, account, None, exc)
            return cls(cfg, session.operator, session)
        operator = (operator or os.environ.get("CREDIT_DESK_OPERATOR")
                    or saved_settings().get("operator") or getpass.getuser())
        return cls(cfg, operator)

    @property
    def sign_in_free(self) -> bool:
        """The demo: no [operators], nobody signs in (and the window says so)."""
        return self.config.operators is None

    def sign_in(self, password: str = "", operator: str | None = None, now=None):
        """Sign in as the config says (platform: online, else the cached verifier; os: the OS
        account). Raises SignInRefused; on success the session's operator is this desk's."""
        from desktop.platform import operators

        ops = self.config.operators
        if ops is None:
            session = operators.Session(operator or self.operator, "demo")
        elif ops.auth == "os":
            session = operators.os_session(ops)
        else:
            session = operators.sign_in(ops, self.platform, operator or self.operator, password, now)
        self.adopt(session)
        return session

    def adopt(self, session) -> None:
        self.session, self._not_signed_in = session, None
        self.operator = session.operator
        client = self.__dict__.get("platform")  # created already: it sends X-Operator(-Token)
        if client is not None:
            client.operator, client.token = session.operator, session.token

    def sign_out(self) -> None:
        """The token is forgotten (a new sign-in gets a new one)."""
        self.session = None
        client = self.__dict__.get("platform")
        if client is not None:
            client.token = None

    def require_session(self, now=None) -> None:
        """Raise SignInRequired unless someone may check now (the checker's gate)."""
        if self.config.operators is None:
            return
        if self._not_signed_in is not None:
            raise SignInRequired(self._not_signed_in.message)
        if self.session is None:
            raise SignInRequired(Message(QT_TRANSLATE_NOOP("core", "请先登录（工号和密码），未查询。")))
        if self.session.expired(now):
            self.sign_out()
            raise SignInRequired(Message(QT_TRANSLATE_NOOP("core", "登录已过期，请重新登录，未查询。")))

    @cached_property
    def offline(self) -> OfflineData:
        return OfflineData(self.config)

    @cached_property
    def platform(self):
        """The platform client, or None when the deployment is offline-only."""
        if self.config.platform is None:
            return None
        from desktop.platform.client import PlatformClient

        client = PlatformClient.from_config(self.config.platform, operator=self.operator)
        client.token = getattr(self.session, "token", None)
        return client

    @cached_property
    def checker(self) -> Checker:
        deadline = self.config.platform.deadline_seconds if self.config.platform else 3.0
        return Checker(self.offline, self.platform, deadline=deadline,
                       warn_age_hours=self.config.snapshot.warn_age_hours, access=_AccessLog(self),
                       gate=self.require_session)

    @cached_property
    def case_file(self):
        from desktop.casefile.store import CaseFile

        return CaseFile(paths.case_file())

    @cached_property
    def outbox(self):
        """The feedback sender; its ``client`` is None in an offline-only deployment."""
        from desktop.casefile.record import feedback_message
        from desktop.platform.outbox import Outbox

        try:
            self.case_file  # opened first: a case file from before 2 December is upgraded then
        except UserError:
            pass  # the sender reads what it can and names what it cannot
        return Outbox(paths.case_file(), paths.outbox_file(), self.platform,
                      message=feedback_message)

    @property
    def desk(self):
        from desktop.casefile.store import Desk

        site = self.config.site
        return Desk(operator=self.operator, hall=site.hall, window=site.window,
                    hall_name=site.hall_name or ("演示服务大厅" if self.config.demo else ""))

    @cached_property
    def tickets(self):
        """Checks the hall's approval system asked for, waiting for the clerk to record them."""
        from desktop.desk.tickets import TicketBoard

        return TicketBoard()

    def local_api(self, on_ticket):
        """The local API of ``[integration]``, started; None when the config has none. Raises
        UserError when it cannot run (no token in the keyring, port taken): the window says so."""
        if self.config.integration is None:
            return None
        from desktop.desk.local_api import LocalApi
        from desktop.platform import secrets

        token = secrets.get_secret(INTEGRATION_TOKEN)
        if not token:
            raise LocalApiUnavailable(Message(QT_TRANSLATE_NOOP(
                "core", "已启用审批系统接口，但本机密钥库中没有接口令牌。请信息技术人员执行 "
                        "credit-desk secrets set integration 设置后重启。")))
        try:
            api = LocalApi(self.config.integration.api_port, token,
                           self.config.integration.allowed_origins, self.tickets,
                           validate=lambda request: self.checker.resolve_item(request.item),
                           on_ticket=on_ticket)
        except OSError as exc:
            raise LocalApiUnavailable(Message(QT_TRANSLATE_NOOP(
                "core", "审批系统接口无法在本机端口 {port} 上启动：{error}。请检查是否已有另一个窗口在运行。"),
                {"port": str(self.config.integration.api_port), "error": exc.strerror or str(exc)})) from None
        api.start()
        return api


class _AccessLog:
    """Every lookup of a natural person goes into this desk's case file as an access record, in
    the name of whoever is signed in at that moment."""

    def __init__(self, ctx: DeskContext):
        self.ctx = ctx

    def person_lookup(self, result, purpose: str) -> None:
        self.ctx.case_file.record_access(result, purpose, self.ctx.desk)

    def people_shown(self, result) -> None:
        self.ctx.case_file.record_people_access(result, self.ctx.desk)


INTEGRATION_TOKEN = "integration"  # keyring user of the local API's bearer token


class LocalApiUnavailable(UserError):
    exit_code = 2
