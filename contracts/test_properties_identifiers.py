"""Properties of identifiers: any letter case of email and twitter values is stored lowercased
(S2), and any chain of events sharing identifiers goes to one profile holding them all (S1). The
hypothesis profile and its limits are in contracts/conftest.py."""

from __future__ import annotations

import string

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from pytest_zdevents.runtime.isolation import CUSTOM_TYPE
from pytest_zdevents.runtime.kit import Kit
from pytest_zdevents.runtime.reads import events_shown, get_profile, identifier_pairs

#: A second identifier type of no user identity, so that a pool mixes types.
OTHER_TYPE = "zdc_ref"


def recase(text: str, upper: int) -> str:
    """``text`` with the letters at the set bits of ``upper`` in upper case."""
    return "".join(c.upper() if upper >> i & 1 else c for i, c in enumerate(text))


@pytest.mark.contract("properties.identifiers.lowercased")
@given(
    letters=st.text(alphabet=string.ascii_letters, min_size=1, max_size=8),
    email_case=st.integers(0, 2**64 - 1),
    twitter_case=st.integers(0, 2**64 - 1),
)
@example(letters="MiXeD", email_case=2**64 - 1, twitter_case=2**64 - 1)
def test_email_and_twitter_values_are_lowercased(
    zd: Kit, letters: str, email_case: int, twitter_case: int
) -> None:
    """One profile tracked with both values in the drawn cases, read back through P2."""
    sent = {
        "email": recase(f"{zd.namespace.value()}-{letters}@example.com", email_case),
        "twitter": recase(f"{zd.namespace.value().replace('-', '_')}_{letters}", twitter_case),
    }
    tracked = zd.track(*({"type": type_, "value": value} for type_, value in sent.items()))

    def stored() -> dict[str, str]:
        identifiers = get_profile(zd.client, tracked.profile_id).get("identifiers") or []
        found = {}
        for type_, value in sent.items():
            same = [
                i["value"]
                for i in identifiers
                if i.get("type") == type_ and str(i.get("value")).lower() == value.lower()
            ]
            assert same, f"the profile does not list the {type_} identifier {value!r} yet: {identifiers!r}"
            found[type_] = same[0]
        return found

    found = zd.eventually(stored)
    for type_, value in sent.items():
        assert found[type_] == value.lower(), (
            f"When the value of an identifier of type {type_} is added, 'any upper case letters are "
            f"automatically converted to lower case' (S2): sent {value!r}, the profile stores "
            f"{found[type_]!r}"
        )


# --- properties.identifiers.one_profile ---------------------------------------------------------


@st.composite
def identifier_steps(draw: st.DrawFn) -> tuple[list[str], list[list[int]]]:
    """A pool of 3-6 identifiers (by type) and 2-5 steps, each a list of pool indices of which
    at least one was sent in an earlier step, often with new ones, in any order."""
    pool = draw(st.lists(st.sampled_from([CUSTOM_TYPE, OTHER_TYPE]), min_size=3, max_size=6))
    indices = range(len(pool))
    steps = [draw(st.lists(st.sampled_from(indices), min_size=1, max_size=2, unique=True))]
    sent = set(steps[0])
    for _ in range(draw(st.integers(1, 4))):
        known = draw(st.lists(st.sampled_from(sorted(sent)), min_size=1, max_size=2, unique=True))
        unsent = sorted(set(indices) - sent)
        new = draw(st.lists(st.sampled_from(unsent), max_size=2, unique=True)) if unsent else []
        step = list(draw(st.permutations(sorted({*known, *new}))))
        steps.append(step)
        sent |= set(step)
    return pool, steps


@pytest.mark.contract("properties.identifiers.one_profile")
@given(drawn=identifier_steps())
# Every run tries first: a known identifier, then a new one sent first beside it, then the known
# one again (the profile must end up holding both), and a chain in which each event shares only
# the identifier the event before it added.
@example(drawn=([CUSTOM_TYPE, OTHER_TYPE], [[0], [1, 0], [0]]))
@example(drawn=([CUSTOM_TYPE, OTHER_TYPE, CUSTOM_TYPE], [[0], [1, 0], [2, 1]]))
def test_events_of_one_person_go_to_one_profile(zd: Kit, drawn: tuple[list[str], list[list[int]]]) -> None:
    """Every 202 answer names the one profile, which then holds every identifier sent."""
    pool_types, steps = drawn
    pool = [{"type": type_, "value": zd.namespace.value()} for type_ in pool_types]
    tracked = [zd.track(*(pool[i] for i in step)) for step in steps]
    profile_ids = [t.profile_id for t in tracked]
    sent = [t.identifiers for t in tracked]
    assert len(set(profile_ids)) == 1, (
        "Every event sent with an identifier sent before must be stored against that profile: 'If the "
        "profile does not exist, it will be created' only when none has the identifiers, and 'Any "
        "additional identifier information provided is added to the profile' (S1), so a later event "
        "that shares any identifier with an earlier one finds the same profile. The events were sent "
        f"with {sent} and went to the profiles {profile_ids}"
    )
    profile_id = profile_ids[0]
    zd.eventually(lambda: events_shown(zd.client, profile_id, len(steps)))
    held = identifier_pairs(get_profile(zd.client, profile_id).get("identifiers"))
    missing = [i for i in pool if any(i in s for s in sent) and (i["type"], i["value"]) not in held]
    assert not missing, (
        "'Any additional identifier information provided is added to the profile' (S1): the profile "
        f"must end up holding every identifier sent. Sent, in order: {sent}; the profile holds "
        f"{sorted(held)}; missing {missing}"
    )
