"""Domain errors of the partners service (the API maps them to HTTP statuses in one place)."""


class PartnerError(Exception):
    """Base of the partners service's domain errors."""


class UnknownPartner(PartnerError):
    pass


class PartnerExists(PartnerError):
    pass


class RefusedUrl(PartnerError):
    """A webhook URL the platform will not call (scheme, or an address on a private network)."""


class NoWebhook(PartnerError):
    """The partner has no webhook endpoint."""


class RevocationFailed(PartnerError):
    """The partner's Kafka access could not be revoked (the broker away): nothing was retired, try again."""
