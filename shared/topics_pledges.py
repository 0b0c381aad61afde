"""Topics of the pledges context."""

from __future__ import annotations

from shared.topic_spec import TopicSpec

# Helpers and their pledges (key: helper id).
PLEDGES_HELPERS = TopicSpec(
    "pledges.helpers", 3, "helper_id",
    ("helper.registered", "helper.confirmed", "helper.unsubscribed", "pledge.fulfilled"),
)
# What job seekers ask for or are offered (key: profile id).
PLEDGES_REQUESTS = TopicSpec(
    "pledges.help-requests", 3, "profile_id",
    ("help.offered", "document.uploaded", "coffee.opted-in", "coffee.opted-out"),
)
# Assignments and their lifecycle (key: the job seeker's profile id, so one seeker's matches stay ordered).
PLEDGES_MATCHES = TopicSpec(
    "pledges.matches", 3, "profile_id",
    ("review.assigned", "review.done", "review.timed-out", "coffee.matched"),
)

PLEDGES_TOPICS: tuple[TopicSpec, ...] = (PLEDGES_HELPERS, PLEDGES_REQUESTS, PLEDGES_MATCHES)
