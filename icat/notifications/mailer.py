"""Where mail goes: an SMTP server (ICAT_SMTP_*) or, with none configured, .eml files."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any


@dataclass
class SmtpMailer:
    """One SMTP connection, opened on the first message and reused for a batch."""

    host: str
    port: int = 25
    user: str | None = None
    password: str | None = None
    tls: bool = False
    timeout: float = 30
    _smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.tls:
            smtp.starttls()
        if self.user:
            smtp.login(self.user, self.password or "")
        return smtp

    def send(self, message: EmailMessage) -> None:
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            self._smtp.send_message(message)
        except smtplib.SMTPServerDisconnected:
            self._smtp = self._connect()  # the server closed an idle connection: once more
            self._smtp.send_message(message)

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

    def send(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = message["Message-ID"].strip("<>").replace("/", "_")
        (self.folder / f"{name}.eml").write_bytes(message.as_bytes())

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
