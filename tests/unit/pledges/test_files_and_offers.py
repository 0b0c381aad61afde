"""Uploaded documents are recognised by content; help is offered from blockers and advice."""

from __future__ import annotations

import io
import zipfile

from services.pledges.domain.files import DOCX, PDF, TEXT, sniff
from services.pledges.domain.kinds import PledgeKind
from services.pledges.domain.offers import kinds_for_advice, kinds_for_frustrations
from shared.schemas.profile import Frustration


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_documents_are_recognised_by_content() -> None:
    assert sniff(b"%PDF-1.7\n...") == PDF
    assert sniff(docx()) == DOCX
    assert sniff("Camille, développeuse\n".encode()) == TEXT


def test_disguised_or_binary_content_is_refused() -> None:
    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as archive:
        archive.writestr("evil.exe", "MZ")
    assert sniff(plain_zip.getvalue()) is None
    assert sniff(b"MZ\x90\x00\x03") is None
    assert sniff(b"\xff\xd8\xff\xe0 jpeg") is None
    assert sniff(b"   \n") is None


def test_resume_and_interview_blockers_are_offered_help() -> None:
    assert kinds_for_frustrations([Frustration.RESUME]) == [PledgeKind.HELP_RESUME, PledgeKind.HELP_COVER_LETTER]
    assert kinds_for_frustrations([Frustration.INTERVIEW, Frustration.NO_OFFERS]) == [PledgeKind.HELP_COFFEE]
    assert kinds_for_frustrations([Frustration.MOTIVATION]) == []


def test_resume_advice_is_offered_a_review() -> None:
    assert kinds_for_advice(["improve-resume", "fresh-resume", "job-boards"]) == [PledgeKind.HELP_RESUME]
    assert kinds_for_advice(["spontaneous-application", "improve-interview"]) == [
        PledgeKind.HELP_COVER_LETTER, PledgeKind.HELP_COFFEE]
