"""Coffees: only inside the helper's domains, same city first, then nearby with mobility, then remote."""

from __future__ import annotations

from services.pledges.domain.kinds import PledgeKind
from services.pledges.domain.matching import OpenPledge, Place, Proximity, coffee_proximity, match_coffees
from shared.schemas.profile import AreaType
from tests.unit.pledges.builders import BLAGNAC, PARIS, TOULOUSE, coffee, pledge

COFFEE = PledgeKind.HELP_COFFEE


def helper(pid: str = "p", *, cities: tuple[Place, ...] = (), remote: bool = False, free: int = 1,
           email: str | None = None) -> OpenPledge:
    return pledge(pid, COFFEE, cities=cities, remote=remote, free=free, email=email, domains=("M16",))


def test_only_inside_the_helpers_domains() -> None:
    assert coffee_proximity(coffee("s", rome="K2204"), helper(cities=(TOULOUSE,))) is None
    assert coffee_proximity(coffee("s", rome="M1607"), helper(cities=(TOULOUSE,))) is Proximity.SAME_CITY


def test_same_city_ignores_case() -> None:
    request = coffee("s", place=Place("TOULOUSE", "31"))
    assert coffee_proximity(request, helper(cities=(TOULOUSE,))) is Proximity.SAME_CITY


def test_nearby_only_when_the_seeker_moves_within_the_departement() -> None:
    near = helper(cities=(BLAGNAC,))
    assert coffee_proximity(coffee("s", mobility=AreaType.CITY), near) is None
    assert coffee_proximity(coffee("s", mobility=AreaType.DEPARTEMENT), near) is Proximity.NEARBY
    assert coffee_proximity(coffee("s", mobility=AreaType.COUNTRY), near) is Proximity.NEARBY


def test_remote_only_when_the_helper_is_available_remotely() -> None:
    assert coffee_proximity(coffee("s"), helper(cities=(PARIS,))) is None
    assert coffee_proximity(coffee("s"), helper(cities=(PARIS,), remote=True)) is Proximity.REMOTE


def test_never_a_person_with_themselves() -> None:
    request = coffee("s", email="me@example.org")
    assert coffee_proximity(request, helper(cities=(TOULOUSE,), email="ME@example.org")) is None


def test_never_an_account_with_itself_whatever_its_emails() -> None:
    mine = helper(cities=(TOULOUSE,))
    assert coffee_proximity(coffee(mine.helper_id), mine) is None


def test_a_review_pledge_never_serves_a_coffee() -> None:
    assert coffee_proximity(coffee("s"), pledge("p", PledgeKind.HELP_RESUME, domains=("M",))) is None


def test_same_city_beats_nearby_beats_remote() -> None:
    pledges = [helper("remote", remote=True, cities=(PARIS,)), helper("near", cities=(BLAGNAC,)),
               helper("same", cities=(TOULOUSE,))]
    matches = match_coffees([coffee("s", mobility=AreaType.DEPARTEMENT)], pledges)
    assert [(m.pledge_id, m.proximity) for m in matches] == [("same", Proximity.SAME_CITY)]


def test_a_closer_newer_seeker_beats_a_remote_older_one() -> None:
    requests = [coffee("far", place=PARIS, since=0), coffee("local", place=TOULOUSE, since=5)]
    matches = match_coffees(requests, [helper("p", cities=(TOULOUSE,), remote=True)])
    assert [m.request_id for m in matches] == ["local"]


def test_the_longest_waiting_seeker_first_among_equals() -> None:
    requests = [coffee("new", since=9), coffee("old", since=1)]
    matches = match_coffees(requests, [helper("p", cities=(TOULOUSE,))])
    assert [m.request_id for m in matches] == ["old"]


def test_one_coffee_per_seeker_and_capacity_respected() -> None:
    requests = [coffee(f"s{i}", since=i) for i in range(3)]
    matches = match_coffees(requests, [helper("a", cities=(TOULOUSE,), free=2), helper("b", cities=(TOULOUSE,))])
    assert sorted(m.request_id for m in matches) == ["s0", "s1", "s2"]
    assert [m.pledge_id for m in matches].count("a") == 2
