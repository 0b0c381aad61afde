"""`python -m shared.crypto rotate-kek --to <id>`: re-wraps every person's data key under the KEK `<id>`.

Run with the settings of the profile service (PROFILE_MONGO_URL, PROFILE_KEYS_DB, PROFILE_DATA_KEKS holding both
the old and the new KEK). Idempotent and resumable: run it again after a failure. When it reports 0 remaining,
the old KEK can be removed from every service's PROFILE_DATA_KEKS / <PREFIX>DATA_KEKS."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from pydantic_settings import SettingsConfigDict

from shared.crypto.keystore import KekRing, KeyStore, collection
from shared.settings import ServiceSettings


class _KeySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PROFILE_")

    service_name: str = "profile"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shared.crypto")
    commands = parser.add_subparsers(dest="command", required=True)
    rotate = commands.add_parser("rotate-kek", help="re-wrap every data key under another key-encryption key")
    rotate.add_argument("--to", required=True, help="the KEK id (in PROFILE_DATA_KEKS) to wrap every key under")
    args = parser.parse_args(argv)
    settings = _KeySettings()
    store = KeyStore(collection(settings), KekRing.from_settings(settings))
    moved = store.rotate(args.to)
    print(f"re-wrapped {moved} key(s) under {args.to}; {store.remaining(args.to)} remaining under other KEKs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
