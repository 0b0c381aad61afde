"""The emails operators get for `operator.alerts`: what happened, and what to do about it. Pure."""

from __future__ import annotations

from shared.schemas.notification import Notification
from shared.schemas.operator import PartnerEndpointDisabled

CATEGORY = "operator-alert"
RECIPIENT = "operators"  # not a person: no erasure or unsubscribe applies to the operators' mailbox


def endpoint_disabled(alert: PartnerEndpointDisabled, event_id: str, to: str, public_url: str) -> Notification:
    name = alert.partner
    text = (
        f"The webhook endpoint of the partner {name!r} was disabled at {alert.disabled_at:%Y-%m-%d %H:%M} UTC after "
        f"{alert.failures_in_a_row} failed deliveries in a row.\n"
        f"Last error: {alert.last_error or 'unknown'}\n\n"
        "Its events are kept and wait: nothing is lost. Once the partner has fixed its endpoint, enable it again "
        "(with an operator token); the waiting deliveries go at once:\n\n"
        f"    POST {public_url.rstrip('/')}/api/v1/partners/{name}/webhook/enable\n\n"
        f"Its state: GET {public_url.rstrip('/')}/api/v1/partners/{name}\n"
    )
    return Notification(
        idempotency_key=event_id, recipient_id=RECIPIENT, category=CATEGORY, locale="en", to=to,
        subject=f"[Bob] Partner {name}: webhook endpoint disabled", text=text,
    )
