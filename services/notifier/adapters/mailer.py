"""Sends one email over SMTP (blocking: call it through run_sync)."""

from __future__ import annotations

import hashlib
import smtplib
from email import policy
from email.message import EmailMessage
from email.utils import formatdate

from shared.schemas.notification import Notification


def message_id(idempotency_key: str) -> str:
    return f"<{hashlib.sha256(idempotency_key.encode()).hexdigest()[:40]}@bob.example.org>"


def build(note: Notification, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = note.to
    message["Subject"] = note.subject
    message["Date"] = formatdate(localtime=False)
    # One Message-ID per idempotency key: an email sent again after a notifier died between the SMTP server's
    # answer and the record of it is the same message to mail clients, which keep one copy (RFC 5322 3.6.4).
    message["Message-ID"] = message_id(note.idempotency_key)
    message["X-Bob-Idempotency-Key"] = note.idempotency_key
    message["X-Bob-Category"] = note.category
    message.set_content(note.text)
    if note.list_unsubscribe is not None:  # RFC 8058: mail clients offer one click, a POST to the URL
        # A URL has no place to fold at 78 characters, and an encoded word is no URL to a mail client: the header
        # stays on one line (SMTP allows 998). Set after the body, whose encoding keeps the default policy's.
        message.policy = policy.default.clone(max_line_length=998)
        message["List-Unsubscribe"] = f"<{note.list_unsubscribe}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message


def send(note: Notification, sender: str, host: str, port: int, timeout: float = 10.0) -> None:
    with smtplib.SMTP(host, port, timeout=timeout) as smtp:
        smtp.send_message(build(note, sender))
