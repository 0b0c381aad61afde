"""Topics of the followup context."""

from __future__ import annotations

from shared.topic_spec import TopicSpec

# One event per person at sign-up, never changed: treated or control (the advice service gates on it).
ASSIGNMENTS = TopicSpec("followup.assignments", 6, "profile_id", ("followup.assigned",))
# A control person's advice may be shown from now on (after the three-month survey or its window).
RELEASES = TopicSpec("followup.releases", 6, "profile_id", ("followup.advice.released",))
# Surveys sent and answered: every follow-up figure can be recomputed from this topic alone.
SURVEYS = TopicSpec("followup.surveys", 6, "profile_id", ("followup.survey.sent", "followup.survey.answered"))

FOLLOWUP_TOPICS: tuple[TopicSpec, ...] = (ASSIGNMENTS, RELEASES, SURVEYS)
