"""The email as sent: the one-click unsubscribe headers (RFC 8058) only on emails that carry their URL."""

from __future__ import annotations

from email import message_from_bytes, policy

from services.notifier.adapters.mailer import build
from shared.schemas.notification import Notification

NOTE = Notification(idempotency_key="k", recipient_id="p", to="p@example.org", subject="s", text="t",
                    category="coaching")


def test_list_unsubscribe_headers_when_the_email_has_a_one_click_url() -> None:
    url = "https://bob.test/api/v1/followup/coaching/unsubscribe/" + "eyJhbGciOiJIUzI1NiJ9" * 12  # a long token
    raw = build(NOTE.model_copy(update={"list_unsubscribe": url}), "bob@example.org").as_bytes()
    assert f"List-Unsubscribe: <{url}>\n".encode() in raw  # on one line, not an encoded word
    received = message_from_bytes(raw, policy=policy.default)
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert received.get_content() == "t\n"
    assert build(NOTE, "bob@example.org")["List-Unsubscribe"] is None
