"""Where mail goes: an SMTP server (ICAT_SMTP_*) or, with none configured, .eml files."""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from icat.notifications.dispatch import Outgoing


def _nothing() -> None:
    return None


class _SMTP(smtplib.SMTP):
    """smtplib's client with one hook: ``before_data`` runs once the server has accepted the
    envelope (MAIL FROM, RCPT TO) and before the message itself goes out with DATA.

    The dispatcher waits there for the previous message's sent-mark to commit, so that
    commit overlaps this message's envelope round trips, while no message is accepted
    before the one ahead of it is recorded (icat.notifications.dispatch)."""

    before_data: Callable[[], None] = staticmethod(_nothing)

    def data(self, msg: bytes | str) -> tuple[int, bytes]:  # type: ignore[override]
        self.before_data()
        return super().data(msg)


@dataclass
class SmtpMailer:
    """One SMTP connection, opened on the first message and reused for a batch."""

    host: str
    port: int = 25
    user: str | None = None
    password: str | None = None
    tls: bool = False
    timeout: float = 30
    _smtp: _SMTP | None = None

    def _connect(self) -> _SMTP:
        smtp = _SMTP(self.host, self.port, timeout=self.timeout)
        if self.tls:
            smtp.starttls()
        if self.user:
            smtp.login(self.user, self.password or "")
        return smtp

    def send(self, message: Outgoing, before_data: Callable[[], None] = _nothing) -> None:
        """Hand the rendered bytes over as they are (serialising happened once, at rendering);
        ``before_data`` runs after the envelope is accepted, before the message is sent."""
        utf8 = not (message.sender.isascii() and message.recipient.isascii())
        args = (message.sender, [message.recipient], message.data, ["SMTPUTF8"] if utf8 else [])
        for last_try in (False, True):
            if self._smtp is None:
                self._smtp = self._connect()
            self._smtp.before_data = before_data
            try:
                self._smtp.sendmail(*args)
                return
            except smtplib.SMTPServerDisconnected:
                self._smtp = None  # the server closed an idle connection: once more
                if last_try:
                    raise

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None


@dataclass
class FileMailer:
    """Writes each message to ``folder/<message-id>.eml``: the local default of `make run`."""

    folder: Path

    def send(self, message: Outgoing, before_data: Callable[[], None] = _nothing) -> None:
        before_data()
        self.folder.mkdir(parents=True, exist_ok=True)
        name = message.message_id.strip("<>").replace("/", "_")
        (self.folder / f"{name}.eml").write_bytes(message.data)

    def close(self) -> None:
        return None


def mailer_from_config(config: dict[str, Any], instance_path: str) -> SmtpMailer | FileMailer:
    if config.get("SMTP_HOST"):
        return SmtpMailer(
            host=config["SMTP_HOST"],
            port=int(config["SMTP_PORT"]),
            user=config.get("SMTP_USER"),
            password=config.get("SMTP_PASSWORD"),
            tls=bool(config.get("SMTP_TLS")),
        )
    return FileMailer(Path(instance_path) / "outbox-mail")
