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


def test_the_message_id_is_one_per_idempotency_key() -> None:
    """An email sent again after a crash is the same message to mail clients; two emails never share one."""
    first = Notification(idempotency_key="k-1", recipient_id="p", to="a@example.org", subject="s", text="t",
                         category="test")
    again, other = build(first, "Bob <b@example.org>"), build(first.model_copy(update={"idempotency_key": "k-2"}),
                                                              "Bob <b@example.org>")
    assert build(first, "Bob <b@example.org>")["Message-ID"] == again["Message-ID"]
    assert again["Message-ID"] != other["Message-ID"]
    assert str(again["Message-ID"]).endswith("@bob.example.org>")
