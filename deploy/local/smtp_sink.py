"""A local SMTP sink: accepts every message and keeps it in a Maildir so a person can read it
(`python -m deploy.local mail` lists them). Only for `make run` and tests, never production."""

from __future__ import annotations

import argparse
import asyncio
import mailbox
import signal
from email import message_from_bytes
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


class MaildirHandler:
    def __init__(self, maildir: Path) -> None:
        self.box = mailbox.Maildir(maildir, create=True)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        self.box.add(message_from_bytes(content))
        return "250 Message accepted for delivery"


def read_messages(maildir: Path) -> list[mailbox.MaildirMessage]:
    """Every message the sink kept, oldest first."""
    box = mailbox.Maildir(maildir, create=True)
    messages = [box.get_message(key) for key in box.iterkeys()]
    return sorted(messages, key=lambda m: m.get_date())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=1025)
    parser.add_argument("--maildir", type=Path, required=True)
    args = parser.parse_args()
    controller = Controller(MaildirHandler(args.maildir), hostname="127.0.0.1", port=args.port)
    controller.start()
    stop = asyncio.Event()

    async def wait() -> None:
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        loop.add_signal_handler(signal.SIGINT, stop.set)
        await stop.wait()

    asyncio.run(wait())
    controller.stop()


if __name__ == "__main__":
    main()
