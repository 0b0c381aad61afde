"""What the profile service refuses, in its own words; the API maps each to an HTTP status in one place."""

from __future__ import annotations


class ProfileError(Exception):
    """Base of the service's refusals (the message is safe to show)."""


class ProfileExists(ProfileError):
    def __init__(self) -> None:
        super().__init__("this account already has a profile: PUT a new version")


class ProfileNotFound(ProfileError):
    def __init__(self) -> None:
        super().__init__("profile not found")


class DraftNotFound(ProfileError):
    def __init__(self) -> None:
        super().__init__("no onboarding draft")


class VersionTaken(ProfileError):
    """Another writer stored this version number first (the store's unique key refused the second)."""


class AccountErased(ProfileError):
    """An access token outlives erasure by minutes: writes with it are refused."""

    def __init__(self) -> None:
        super().__init__("this account was erased")


class AccountNotFound(ProfileError):
    def __init__(self) -> None:
        super().__init__("no such account")


class LinkRejected(ProfileError):
    def __init__(self, reason: str, gone: bool = False) -> None:
        super().__init__(reason)
        self.gone = gone  # used or expired, rather than invalid


class SessionRejected(ProfileError):
    pass


class ExportNotFound(ProfileError):
    def __init__(self) -> None:
        super().__init__("no such export")


class NotYourExport(ProfileError):
    def __init__(self) -> None:
        super().__init__("this export belongs to someone else")
