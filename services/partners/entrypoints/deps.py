"""The wiring of the partners processes, in one place (tests build theirs here too)."""

from __future__ import annotations

import socket
from dataclasses import dataclass

from services.partners.adapters.store import Store
from services.partners.config import PartnersSettings
from services.partners.service import Clock, Keys, Partners, Provision, Revoke, utc_now
from shared.admin import add_partner, remove_partner
from shared.crypto.keystore import KekRing
from shared.messaging.access import KafkaAccess
from shared.messaging.acls import ADMIN
from shared.messaging.factory import EventFactory


def resolve(host: str) -> list[str]:
    """The addresses a host name resolves to (blocking: call through run_sync)."""
    try:
        return sorted({str(info[4][0]) for info in socket.getaddrinfo(host, None)})
    except socket.gaierror:
        return []


def kafka_admin(settings: PartnersSettings) -> KafkaAccess | None:
    """The super user, when the API was given its password (the worker never is)."""
    if settings.kafka_admin_password is None or not settings.kafka_admin_password.get_secret_value():
        return None
    return KafkaAccess(settings.kafka_bootstrap_servers, ADMIN, settings.kafka_admin_password.get_secret_value())


def kafka_provision(settings: PartnersSettings) -> Provision | None:
    """With the super user's password: the partner's topic, user and ACLs (shared.admin.add_partner)."""
    admin = kafka_admin(settings)
    return None if admin is None else lambda name: add_partner(admin, name)


def kafka_revoke(settings: PartnersSettings) -> Revoke | None:
    """With the super user's password: the partner's ACLs revoked, its user locked (shared.admin.remove_partner)."""
    admin = kafka_admin(settings)
    return None if admin is None else lambda name: remove_partner(admin, name)


@dataclass(frozen=True)
class Deps:
    settings: PartnersSettings
    store: Store
    keys: Keys
    partners: Partners
    factory: EventFactory
    clock: Clock


def wire(settings: PartnersSettings, clock: Clock = utc_now, provision: Provision | None = None,
         revoke: Revoke | None = None) -> Deps:
    store = Store.open(settings.mongo_url, settings.mongo_db)
    keys = Keys(KekRing.from_settings(settings))
    partners = Partners(store, keys, settings, resolve, provision or kafka_provision(settings),
                        revoke or kafka_revoke(settings))
    return Deps(settings, store, keys, partners, EventFactory(settings.service_name, settings.public_url), clock)
