"""Document reviews: kinds, capacities, never oneself, never the same helper twice, longest-waiting first."""

from __future__ import annotations

from collections import Counter

from services.pledges.domain.kinds import DocumentKind, PledgeKind
from services.pledges.domain.matching import match_documents
from tests.unit.pledges.builders import document, pledge


def test_a_pledge_reviews_only_documents_of_its_kind() -> None:
    matches = match_documents(
        [document("cv", DocumentKind.RESUME), document("letter", DocumentKind.COVER_LETTER)],
        [pledge("p", PledgeKind.HELP_COVER_LETTER)],
    )
    assert [(m.request_id, m.pledge_id) for m in matches] == [("letter", "p")]


def test_a_helper_pledge_gets_at_most_its_free_slots() -> None:
    docs = [document(f"d{i}", since=i, free=1) for i in range(5)]
    matches = match_documents(docs, [pledge("p", free=3)])
    assert [m.request_id for m in matches] == ["d0", "d1", "d2"]


def test_a_document_gets_at_most_two_reviews_from_different_helpers() -> None:
    matches = match_documents([document("d")], [pledge(f"p{i}", since=i) for i in range(4)])
    assert [m.pledge_id for m in matches] == ["p0", "p1"]


def test_a_document_with_one_slot_left_gets_one_review() -> None:
    assert len(match_documents([document("d", free=1)], [pledge("a"), pledge("b")])) == 1


def test_never_a_person_with_themselves() -> None:
    matches = match_documents([document("d", email="Same@Example.org")], [pledge("p", email="same@example.org ")])
    assert matches == []


def test_never_an_account_with_itself_whatever_its_emails() -> None:
    # One account seeking and helping: its profile id is its helper id (builders: helper id = "h-" + pledge id).
    assert match_documents([document("d", owner="h-p")], [pledge("p")]) == []


def test_never_the_same_helper_twice_on_a_document() -> None:
    assert match_documents([document("d", reviewers=frozenset({"h-p"}))], [pledge("p")]) == []


def test_the_longest_waiting_document_goes_first() -> None:
    docs = [document("new", since=10, free=1), document("old", since=1, free=1)]
    assert [m.request_id for m in match_documents(docs, [pledge("p", free=1)])] == ["old"]


def test_older_pledges_are_used_first_and_no_pledge_is_over_assigned() -> None:
    docs = [document(f"d{i}", since=i) for i in range(4)]
    matches = match_documents(docs, [pledge("young", since=5, free=3), pledge("old", since=0, free=3)])
    per_pledge = Counter(m.pledge_id for m in matches)
    assert per_pledge == {"old": 3, "young": 3}
    assert matches[0].pledge_id == "old"
    assert max(Counter(m.request_id for m in matches).values()) <= 2
