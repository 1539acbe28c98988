"""Property: any drawn event reads back as sent: properties nested in objects, description,
source, type and the instant of created_at (seed 001 JSON format). The hypothesis profile and its
limits are in contracts/conftest.py."""

from __future__ import annotations

import string
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from pytest_zdevents.runtime.isolation import EVENT_SOURCES, EVENT_TYPES, MARK, mark_of, recent_instant
from pytest_zdevents.runtime.kit import Kit
from pytest_zdevents.runtime.timeline import SCOPES, within_source
from pytest_zdevents.runtime.timestamps import OFFSETS, Offset, instant, stamp

KEYS = st.text(alphabet=string.ascii_lowercase + string.digits, min_size=1, max_size=8)
TEXT = st.text(alphabet=st.characters(categories=["L", "N", "P", "S", "Zs"]), max_size=20)


def nested(depth: int) -> st.SearchStrategy[Any]:
    """A string, or an object of strings and objects at most ``depth`` levels deep."""
    if depth == 0:
        return TEXT
    return st.one_of(TEXT, st.dictionaries(KEYS, nested(depth - 1), min_size=1, max_size=3))


#: A top-level object (level 1) with values nested to level 5, and always one nested object.
PROPERTIES = st.builds(
    lambda loose, inner: {**loose, "zdc_nested": inner},
    st.dictionaries(KEYS, nested(4), max_size=4),
    st.dictionaries(KEYS, nested(3), min_size=1, max_size=3),
)


@pytest.mark.contract("properties.values.round_trip")
@given(
    properties=PROPERTIES,
    description=st.one_of(
        st.none(),
        st.text(alphabet=st.characters(categories=["L", "N", "P", "S", "Zs"]), min_size=1, max_size=40),
    ),
    millis=st.integers(0, 86_400_000 - 1),
    offset=st.sampled_from(OFFSETS),
    source=st.sampled_from(EVENT_SOURCES),
    type_=st.sampled_from(EVENT_TYPES),
)
# Every run tries first the Events API reference's example event (seed 001).
@example(
    properties={
        "billing": {"address1": "1019 Market St", "city": "San Francisco", "zipcode": "94103"},
        "item": {"name": "Zendesk Swag"},
    },
    description="Order complete",
    millis=44_647_000,
    offset=0,
    source=EVENT_SOURCES[0],
    type_=EVENT_TYPES[0],
)
def test_event_reads_back_as_sent(
    zd: Kit,
    properties: dict[str, Any],
    description: str | None,
    millis: int,
    offset: Offset,
    source: str,
    type_: str,
) -> None:
    """The drawn event is read back in every scope and compared field by field."""
    when = recent_instant() - timedelta(days=1) + timedelta(milliseconds=millis)
    created_at = stamp(when, offset, "milliseconds")
    timeline = zd.timeline()
    fields: dict[str, Any] = {"properties": properties}
    if description is not None:
        fields["description"] = description
    mark = timeline.track(source, type_, created_at, **fields)
    sent_properties = {**properties, MARK: mark}
    for scope in SCOPES:
        events = timeline.wait(scope, within_source(scope, source))
        (got,) = [e for e in events if mark_of(e) == mark]
        where = f"read by {scope} (GET {timeline.place(scope)[0]})"
        assert got.get("properties") == sent_properties, (
            f"An event read back must have the properties that were sent, nested objects included "
            f"(seed 001). {where}: sent {sent_properties!r}, got {got.get('properties')!r}"
        )
        if description is not None:
            assert got.get("description") == description, (
                f"An event read back must have the description that was sent (seed 001). {where}: "
                f"sent {description!r}, got {got.get('description')!r}"
            )
        assert (got.get("source"), got.get("type")) == (source, type_), (
            f"An event read back must have the source and type that were sent (seed 001). {where}: "
            f"sent {(source, type_)}, got {(got.get('source'), got.get('type'))}"
        )
        assert instant(got.get("created_at")) == when, (
            f"created_at must read back as the instant that was sent (seed 001). {where}: sent "
            f"{created_at!r} ({when.isoformat()}), got {got.get('created_at')!r}"
        )
