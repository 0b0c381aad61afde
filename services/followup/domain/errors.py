"""What the followup use cases refuse; the API maps each to an HTTP status in one place."""

from __future__ import annotations


class FollowupError(Exception):
    """Base of the followup service's domain errors."""


class UnknownPerson(FollowupError, LookupError):
    """No follow-up record for this person."""


class UnknownSurvey(FollowupError, LookupError):
    """This survey was never sent to the person."""


class Erased(FollowupError):
    """The person's data was erased (GDPR): their links no longer work."""


class AlreadyAnswered(FollowupError):
    """The link was already used for this step."""
