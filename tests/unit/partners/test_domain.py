"""The partners service's pure rules: URLs refused outside dev and test, the retry schedule, the order of a
person's deliveries, and what a partner's views leave out."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from standardwebhooks.webhooks import Webhook

from services.partners.domain import feed, webhooks
from services.partners.domain.errors import RefusedUrl
from services.partners.domain.partner import check_url
from shared.schemas.engagement import ActionState, PlanChanged, PlanDetail, Progress
from shared.schemas.profile import Frustration, ProfileIn, ProfileSubmitted

NOW = dt.datetime(2026, 6, 1, 9, 30, 12, 345678, tzinfo=dt.UTC)


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "192.168.0.9", "172.16.0.1", "169.254.169.254",
                                     "::1", "fd00::1", "0.0.0.0", "100.64.0.1", "224.0.0.1"])
def test_private_loopback_and_reserved_addresses_are_refused_in_prod(address: str) -> None:
    with pytest.raises(RefusedUrl):
        check_url("https://hooks.example.org/in", [address], private_allowed=False)
    check_url("http://127.0.0.1:9000/in", [], private_allowed=True)  # dev and test: a local receiver


def test_a_public_https_url_passes_and_plain_http_or_an_unresolved_name_does_not() -> None:
    check_url("https://hooks.example.org/in", ["93.184.216.34"], private_allowed=False)
    for url, addresses in (("http://hooks.example.org/in", ["93.184.216.34"]), ("https://nowhere.example/", []),
                           ("ftp://hooks.example.org/", ["93.184.216.34"])):
        with pytest.raises(RefusedUrl):
            check_url(url, addresses, private_allowed=False)


def test_backoff_doubles_up_to_its_cap_with_jitter_below_and_stops() -> None:
    schedule = webhooks.Schedule(base_seconds=30, max_seconds=7200, jitter=0.25, attempts=12)
    rng = random.Random(7)
    waits = [(schedule.next_attempt(n, NOW, rng) or NOW) - NOW for n in range(1, 12)]
    for n, wait in enumerate(waits, start=1):
        nominal = min(7200, 30 * 2 ** (n - 1))
        assert 0.75 * nominal <= wait.total_seconds() <= nominal
    assert schedule.next_attempt(12, NOW, rng) is None
    assert dt.timedelta(hours=8) < schedule.horizon() < dt.timedelta(hours=12)  # retried over hours


def test_a_person_lane_sends_its_first_event_first_and_skips_disabled_partners() -> None:
    later = NOW + dt.timedelta(minutes=5)
    queued = [webhooks.Queued("a2", "acme", "p1", 2, NOW), webhooks.Queued("a1", "acme", "p1", 1, later),
              webhooks.Queued("b1", "acme", "p2", 3, NOW), webhooks.Queued("c1", "beta", "p1", 4, NOW)]
    # p1's first event waits for its retry: p1's second does not overtake it.
    assert [q.id for q in webhooks.due_heads(queued, NOW, frozenset(), {})] == ["b1", "c1"]
    assert [q.id for q in webhooks.due_heads(queued, later, frozenset({"beta"}), {})] == ["b1", "a1"]


def test_a_delivery_is_due_at_its_next_attempt_whatever_the_endpoints_enabling() -> None:
    before, later = NOW - dt.timedelta(minutes=1), NOW + dt.timedelta(minutes=5)
    fresh = webhooks.Queued("a1", "acme", "p1", 1, NOW)  # queued now, never tried
    retried = webhooks.Queued("a2", "acme", "p2", 2, NOW, scheduled_at=before)
    for enabled_at in (None, before - dt.timedelta(hours=1), before + dt.timedelta(seconds=1)):
        assert [q.id for q in webhooks.due_heads([fresh, retried], NOW, frozenset(), {"acme": enabled_at})] == [
            "a1", "a2"]
    assert webhooks.due_heads([fresh, retried], NOW - dt.timedelta(seconds=1), frozenset(), {}) == []
    assert webhooks.due_at(webhooks.Queued("a3", "acme", "p3", 3, later, scheduled_at=NOW), None) == later


def test_a_backoff_decided_before_the_endpoint_was_enabled_is_due_at_once_in_lane_order() -> None:
    failing, enabled_at = NOW - dt.timedelta(minutes=10), NOW - dt.timedelta(minutes=1)
    hours = NOW + dt.timedelta(hours=2)
    queued = [webhooks.Queued("a1", "acme", "p1", 1, hours, scheduled_at=failing),
              webhooks.Queued("a2", "acme", "p1", 2, NOW),  # waits for a1, its lane's head
              webhooks.Queued("b1", "beta", "p2", 3, hours, scheduled_at=failing)]
    assert [q.id for q in webhooks.due_heads(queued, NOW, frozenset(), {"acme": enabled_at})] == ["a1"]
    assert webhooks.due_heads(queued, NOW, frozenset({"acme"}), {"acme": enabled_at}) == []  # disabled again
    assert webhooks.due_at(queued[0], enabled_at) == enabled_at


def test_an_undated_backoff_counts_as_decided_before_the_enabling() -> None:
    hours = NOW + dt.timedelta(hours=2)
    stored_before = webhooks.Queued("a1", "acme", "p1", 1, hours)  # a queue document without scheduled_at
    assert webhooks.due_heads([stored_before], NOW, frozenset(), {"acme": NOW}) == [stored_before]
    assert webhooks.due_heads([stored_before], NOW, frozenset(), {"acme": None}) == []


def test_a_backoff_decided_after_the_enabling_waits_for_its_next_attempt() -> None:
    enabled_at, hours = NOW - dt.timedelta(minutes=10), NOW + dt.timedelta(hours=2)
    failed_again = webhooks.Queued("a1", "acme", "p1", 1, hours, scheduled_at=NOW - dt.timedelta(minutes=1))
    assert webhooks.due_heads([failed_again], NOW, frozenset(), {"acme": enabled_at}) == []
    assert webhooks.due_at(failed_again, enabled_at) == hours
    assert webhooks.due_heads([failed_again], hours, frozenset(), {"acme": enabled_at}) == [failed_again]


def test_rotation_headers_carry_one_signature_per_secret_and_each_verifies() -> None:
    old, new = webhooks.new_secret(), webhooks.new_secret()
    at = dt.datetime.now(dt.UTC)
    headers = webhooks.headers("msg_1", '{"a": 1}', at, [new, old])
    assert len(headers["webhook-signature"].split(" ")) == 2
    for secret in (old, new):
        assert Webhook(secret).verify('{"a": 1}', headers) == {"a": 1}


def test_two_partner_keys_give_two_pseudonyms() -> None:
    assert feed.pseudonym(b"k" * 32, "person") != feed.pseudonym(b"j" * 32, "person")
    assert feed.pseudonym(b"k" * 32, "person") == feed.pseudonym(b"k" * 32, "person")


def test_the_profile_view_keeps_the_day_a_band_and_no_origin_health_or_family() -> None:
    profile = ProfileIn.model_validate({
        "year_of_birth": 1999, "has_handicap": True, "family_situation": "SINGLE_PARENT", "languages": ["ar"],
        "gender": "FEMININE", "frustrations": [f.value for f in Frustration],
        "projects": [{"city": {"name": "Lille", "departement_id": "59"}}],
    })
    view = feed.profile_view(b"k" * 32, ProfileSubmitted(profile_id="p", version=1, submitted_at=NOW,
                                                          profile=profile))
    assert view.day == dt.date(2026, 6, 1)
    assert view.age_band == "25-34"
    assert not set(view.frustrations) & {f.value for f in feed.DROPPED_FRUSTRATIONS}
    assert "RESUME" in view.frustrations
    text = view.model_dump_json()
    for hidden in ("handicap", "SINGLE_PARENT", "FEMININE", "\"ar\"", "Lille", "1999", "09:30"):
        assert hidden not in text


@pytest.mark.parametrize(("score", "band"), [(0, "0-19"), (19, "0-19"), (20, "20-39"), (79, "60-79"),
                                             (80, "80-100"), (100, "80-100")])
def test_score_bands(score: int, band: str) -> None:
    assert feed.score_band(score) == band


def test_the_profile_view_carries_no_identity_city_or_exact_figures() -> None:
    profile = ProfileIn.model_validate({
        "email": "camille.dupont@example.org", "name": "Camille Dupont", "year_of_birth": 1987,
        "frustrations": ["INTERVIEW", "SEX_DISCRIMINATION", "AGE_DISCRIMINATION", "NO_OFFERS"],
        "projects": [{
            "target_job": {"rome_code": "M1607", "job_title_code_ogr": "38972"},
            "city": {"name": "Castelnau-d'Estrétefonds", "departement_id": "31", "latitude": 43.757,
                     "longitude": 1.359},
            "job_search_started_at": "2024-02-01", "min_salary": 23456,
        }],
    })
    person = "3f2a9c1e5b7d4e6f8a0b1c2d3e4f5a6b"
    view = feed.profile_view(b"k" * 32, ProfileSubmitted(profile_id=person, version=3, submitted_at=NOW,
                                                          profile=profile))
    text = view.model_dump_json().lower()
    for secret in ("camille", "dupont", "castelnau", person, "43.757", "1.359", "38972", "23456", "2024-02-01",
                   "1987", "discrimination"):
        assert secret.lower() not in text, secret
    assert (view.pseudonym, view.rome_code, view.departement_id) == (feed.pseudonym(b"k" * 32, person), "M1607", "31")
    assert (view.frustrations, view.search_started) == (["INTERVIEW", "NO_OFFERS"], True)


@pytest.mark.parametrize(("age", "band"), [(14, "<25"), (24, "<25"), (25, "25-34"), (34, "25-34"), (35, "35-44"),
                                           (44, "35-44"), (45, "45-54"), (54, "45-54"), (55, "55+"), (80, "55+")])
def test_age_bands(age: int, band: str) -> None:
    assert feed.age_band(age) == band


def test_the_action_view_keeps_the_state_and_counts_never_the_action_or_note() -> None:
    key = b"p" * 32
    changed = PlanChanged(
        profile_id="p", revision=3, occurred_at=NOW, state=ActionState.STUCK, target_date=dt.date(2026, 6, 9),
        progress=Progress(total=3, done=1, stuck=1),
        detail=PlanDetail(strategy_id="get-support", action_id="handicap-rights", module_id="needs-for-handicap",
                          note="mon dossier MDPH traîne"),
    ).sealed(key, "action.stuck")
    view = feed.action_view(b"k" * 32, changed)
    assert view.model_dump(mode="json") == {
        "pseudonym": feed.pseudonym(b"k" * 32, "p"), "day": "2026-06-01", "state": "stuck", "total": 3, "done": 1,
        "stuck": 1,
    }


def test_a_partner_never_receives_the_persons_guess_nor_their_coaching_choice() -> None:
    """Both are the person's own words or choices about themselves (issue 16), not for partners."""
    profile = ProfileIn.model_validate({
        "year_of_birth": 1990, "coaching_emails": "WEEKLY",
        "self_diagnosis": {"challenge": "stuck-market", "note": "Pas d'offres à Lyon"},
        "projects": [{"city": {"name": "Lyon", "departement_id": "69"}}],
    })
    submitted = ProfileSubmitted(profile_id="p1", version=1, submitted_at=NOW, profile=profile)
    view = feed.profile_view(b"k" * 32, submitted).model_dump_json()
    for kept_back in ("stuck-market", "Pas d'offres", "WEEKLY", "self_diagnosis", "coaching"):
        assert kept_back not in view
