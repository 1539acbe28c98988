"""The Events and Profiles API operations (E1-E6, P1-P9) over HTTP, as moto's ``responses``.

Each operation reads its request into domain values (:mod:`.params`, :mod:`.validation`,
:mod:`.identifiers`), calls the service, and answers a status and a JSON body (:mod:`.views`).
:func:`api_routes` is the URL table; :mod:`.app` runs every operation through one pipeline.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from pytest_zdevents.spec import optional_operations

from .exchange import ApiRequest
from .host import Host
from .identifiers import parse_query
from .model import EventFilter, EventPage, Profile
from .pagecache import PageCache
from .params import event_filter, identifier_param
from .service import EventsService
from .settings import EmulatorSettings
from .switches import Quirk
from .validation import event_input, patch_input, profile_input, query_names, user_id_path
from .views import Views

Body = dict[str, Any]
#: A status and a body: JSON to write, JSON text already written (a page), or none.
Result = tuple[int, Body | bytes | None]
Handler = Callable[[ApiRequest, Body], Result]


class ApiResponses:
    """The operations; each takes the request and the parsed JSON body ({} for reads)."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.pages = PageCache()

    @property
    def settings(self) -> EmulatorSettings:
        return self.host.settings

    @property
    def service(self) -> EventsService:
        return self.host.service

    # Events (E1-E6)

    def list_user_events(self, request: ApiRequest, body: Body) -> Result:
        user_id = self._user_id(request)
        return 200, self._page(request, lambda wanted: self.service.events.page(wanted, user_id=user_id))

    def track_user_event(self, request: ApiRequest, body: Body) -> Result:
        return self._track(body, user_id=self._user_id(request))

    def list_events_by_identifier(self, request: ApiRequest, body: Body) -> Result:
        def read(wanted: EventFilter) -> EventPage:
            raw = _identifier(request, self.settings)
            if raw is None and self.settings.on(Quirk.IDENTIFIER_MISSING_EMPTY):
                return EventPage([], False, None)
            return self.service.events.page(wanted, query=parse_query(raw, self.settings))

        return 200, self._page(request, read)

    def track_event(self, request: ApiRequest, body: Body) -> Result:
        return self._track(body)

    def list_profile_events(self, request: ApiRequest, body: Body) -> Result:
        profile_id = request.path_params["profile_id"]
        events = self.service.events
        return 200, self._page(request, lambda wanted: events.page(wanted, profile_id=profile_id))

    def track_profile_event(self, request: ApiRequest, body: Body) -> Result:
        return self._track(body, profile_id=request.path_params["profile_id"])

    def _user_id(self, request: ApiRequest) -> str:
        """The path's user_id: an integer (seed 001), unless the user_id_not_checked quirk is on."""
        user_id = request.path_params["user_id"]
        return user_id if self.settings.on(Quirk.USER_ID_NOT_CHECKED) else user_id_path(user_id)

    def _page(self, request: ApiRequest, read: Callable[[EventFilter], EventPage]) -> bytes:
        """The page ``read`` returns for the query string's filters, as JSON; for a URL read
        before, at the same state and settings, the answer written then (:mod:`.pagecache`)."""
        settings, url = self.settings, request.url
        # Read before the store is: a page is never older than the state it is kept under.
        state = self.service.read_state()
        page = self.pages.get(settings, state, url)
        if page is None:
            page = Views(settings).page(read(event_filter(request.query_params, settings)), url)
            self.pages.put(settings, state, url, page)
        return page

    def _track(self, body: Body, *, user_id: str | None = None, profile_id: str | None = None) -> Result:
        settings = self.settings
        event = event_input(body, settings)
        # E6 names the profile in its path, so a body's profile is not read.
        profile_optional = user_id is not None and settings.on(Quirk.USER_TRACK_PROFILE_OPTIONAL)
        if profile_id is not None or (profile_optional and "profile" not in body):
            wanted = None
        else:
            wanted = profile_input(body, settings, with_source_type=True)
        profile = self.service.events.track(event, wanted, user_id=user_id, profile_id=profile_id)
        status = 200 if settings.on(Quirk.TRACK_RETURNS_200) else 202
        return status, Views(settings).tracked(profile)

    # Profiles (P1-P9)

    def list_user_profiles(self, request: ApiRequest, body: Body) -> Result:
        profiles = self.service.profiles.of_user(self._user_id(request))
        views = Views(self.settings)
        return 200, {"profiles": [views.profile(profile) for profile in profiles]}

    def put_user_profile(self, request: ApiRequest, body: Body) -> Result:
        return self._put(body, identifier=_identifier(request, self.settings), user_id=self._user_id(request))

    def get_profile_by_identifier(self, request: ApiRequest, body: Body) -> Result:
        query = parse_query(_identifier(request, self.settings), self.settings)
        return self._profile(200, self.service.profiles.get(query=query))

    def put_profile_by_identifier(self, request: ApiRequest, body: Body) -> Result:
        return self._put(body, identifier=_identifier(request, self.settings))

    def patch_profile_by_identifier(self, request: ApiRequest, body: Body) -> Result:
        wanted = patch_input(body, self.settings)
        query = parse_query(_identifier(request, self.settings), self.settings)
        return self._profile(200, self.service.profiles.patch(wanted, query=query))

    def get_profile(self, request: ApiRequest, body: Body) -> Result:
        return self._profile(200, self.service.profiles.get(profile_id=request.path_params["profile_id"]))

    def replace_profile(self, request: ApiRequest, body: Body) -> Result:
        return self._put(body, profile_id=request.path_params["profile_id"])

    def patch_profile(self, request: ApiRequest, body: Body) -> Result:
        wanted = patch_input(body, self.settings)
        profile = self.service.profiles.patch(wanted, profile_id=request.path_params["profile_id"])
        return self._profile(200, profile)

    def delete_profile(self, request: ApiRequest, body: Body) -> Result:
        self.service.profiles.delete(request.path_params["profile_id"])
        return 204, None

    def _put(
        self,
        body: Body,
        *,
        identifier: str | None = None,
        user_id: str | None = None,
        profile_id: str | None = None,
    ) -> Result:
        """PUT creates (201) or replaces (200): P4 and P5 by identifier query, P6 by id."""
        settings = self.settings
        query = None if profile_id is not None else query_names(parse_query(identifier, settings), settings)
        wanted = profile_input(body, settings, with_source_type=False)
        profiles = self.service.profiles
        profile, created = profiles.put(wanted, query=query, user_id=user_id, profile_id=profile_id)
        return self._profile(201 if created else 200, profile)

    def _profile(self, status: int, profile: Profile) -> Result:
        return status, {"profile": Views(self.settings).profile(profile)}


def api_routes(api: ApiResponses) -> list[tuple[str, dict[str, Handler]]]:
    """Each path with its operations by method. The literal ``events`` path comes before the
    ``{profile_id}`` template that would otherwise swallow it."""
    return [
        ("/api/v2/users/{user_id}/events", {"GET": api.list_user_events, "POST": api.track_user_event}),
        ("/api/v2/users/{user_id}/profiles", {"GET": api.list_user_profiles, "PUT": api.put_user_profile}),
        ("/api/v2/user_profiles/events", {"GET": api.list_events_by_identifier, "POST": api.track_event}),
        (
            "/api/v2/user_profiles",
            {
                "GET": api.get_profile_by_identifier,
                "PUT": api.put_profile_by_identifier,
                "PATCH": api.patch_profile_by_identifier,
            },
        ),
        (
            "/api/v2/user_profiles/{profile_id}/events",
            {"GET": api.list_profile_events, "POST": api.track_profile_event},
        ),
        (
            "/api/v2/user_profiles/{profile_id}",
            {
                "GET": api.get_profile,
                "PUT": api.replace_profile,
                "PATCH": api.patch_profile,
                "DELETE": api.delete_profile,
            },
        ),
    ]


@functools.cache
def optional_handlers() -> frozenset[str]:
    """The handlers of the operations a target may lack (P4-P9, ``x-zdevents-capability`` in
    openapi.yaml), which the profile_writes_off variation removes. Each handler is named for its
    operationId (``putUserProfile``: ``put_user_profile``). Read when first needed: loading the
    spec takes a moment, and most emulators never switch the variation on."""
    return frozenset(re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower() for name in optional_operations())


def _identifier(request: ApiRequest, settings: EmulatorSettings) -> str | None:
    return identifier_param(request.query_params, request.scope["query_string"], settings)
