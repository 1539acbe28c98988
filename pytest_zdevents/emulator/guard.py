"""Whether a control-plane request is served: the control plane cannot be reached by forgery.

Part of the HTTP layer. Under ``/__zdevents/`` a request resets the state, reads or imports it, and
switches quirks, ``auth_ignored`` among them. A page in the user's browser can send requests to
loopback (a cross-site request), and a name it controls can resolve to 127.0.0.1 (DNS rebinding),
so before any handler runs, :func:`admit` applies these rules, in this order, the first refusal
winning (docs/emulator.md, "How the control plane is protected"):

1. **Host**: the ``Host`` header's name is an IP literal (rebinding needs a name), ``localhost`` or
   a ``*.localhost`` name, ``testserver`` (the in-process client's), or one of the
   ``allowed_hosts`` setting (``--allow-host``). A malformed one is 400 ``InvalidHost``; another
   name, or none, is 403 ``ForeignHost``.
2. **Origin**: a request a browser sends from another site has its ``Origin`` header, whose host
   must pass rule 1 (``null`` does not), and is not ``Sec-Fetch-Site: cross-site``. Else 403
   ``CrossSiteRequest``.
3. **Credentials**, when the API has some configured: the routes that change the state or the
   settings need full access (agent Basic, or an OAuth token with users:write), the ones that show
   the data (``GET /state``, ``GET /requests``) any credential the API accepts but an end user's.
   They are checked with every quirk off, so no quirk opens the control plane. Missing or wrong:
   401 ``MissingOrInvalidAuthentication``; too little access: 403 ``PermissionDenied``.
   ``/health``, ``/switches`` and ``GET /settings`` carry no data and no secret, and stay open.
4. **Content type**: the routes that change something take only ``application/json`` (the ones
   without a body also none): the types a form or a plain ``fetch`` sends without a CORS preflight
   are 415 ``UnsupportedMediaType``.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable

from starlette.requests import Request

from .auth import authenticate
from .bodies import media_type
from .errors import CrossSiteRequest, ForeignHost, InvalidHost, PermissionDenied, UnsupportedMediaType
from .hosts import split_host
from .settings import EmulatorSettings

#: The routes (method, path under the prefix) that change the state or the settings, and whether
#: each takes a body.
WRITES = {
    ("POST", "/reset"): False,
    ("POST", "/state"): True,
    ("PATCH", "/settings"): True,
    ("DELETE", "/requests"): False,
}
#: The routes that show the data (HEAD is GET without the body).
READS = frozenset({("GET", "/state"), ("GET", "/requests")})
#: The name of the host the in-process client (``Emulator.client()``) sends.
IN_PROCESS = "testserver"
_ORIGIN = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://([^/?#]*)")


def admit(
    request: Request, route: str, settings: EmulatorSettings, is_end_user: Callable[[str], bool]
) -> None:
    """Return when the control-plane ``request`` for ``route`` (its path under the prefix) may be
    served; raise the refusal of the first rule it breaks."""
    name, _ = split_host(request.headers.get("host", ""))
    if not local(name, settings.allowed_hosts):
        raise ForeignHost(
            f"The control plane answers only loopback names, IP addresses and the allowed hosts, "
            f"not Host {name[:80]!r}; start the emulator with --allow-host NAME to serve a name."
        )
    _same_site(request, settings)
    method = "GET" if request.method == "HEAD" else request.method
    writes = (method, route) in WRITES
    if settings.auth_required and (writes or (method, route) in READS):
        # Quirks are the API's deliberate bugs: none of them may open the control plane.
        strict = settings.changed(quirks=frozenset())
        access = authenticate(request.headers.get("authorization"), strict, is_end_user)
        if access == "end_user" or (writes and access != "full"):
            raise PermissionDenied(
                "The control plane needs the agent's Basic credentials or an OAuth token with "
                "users:write to change anything, and any of them or a users:read token to read."
            )
    if writes:
        sent = media_type(request)
        if sent != "application/json" and (sent or WRITES[method, route]):
            raise UnsupportedMediaType(
                f"Send application/json{'' if WRITES[method, route] else ' or no body'}, "
                f"not {sent or 'no Content-Type'}."
            )


def local(name: str, allowed: frozenset[str]) -> bool:
    """Whether the host ``name`` (lower-cased, from :func:`split_host`) is one the control plane
    serves: an IP literal, ``localhost`` or ``*.localhost``, ``testserver``, or an allowed host."""
    try:
        ipaddress.ip_address(name[1:-1] if name.startswith("[") else name)
        return True
    except ValueError:
        pass
    # A fully qualified name ends with a dot: "localhost." is localhost.
    name = name.removesuffix(".")
    return name == "localhost" or name.endswith(".localhost") or name == IN_PROCESS or name in allowed


def _same_site(request: Request, settings: EmulatorSettings) -> None:
    """Refuse what a browser sends from another site (an ``Origin`` it cannot forge)."""
    if request.headers.get("sec-fetch-site", "").strip().lower() == "cross-site":
        raise CrossSiteRequest("A browser sent this request from another site (Sec-Fetch-Site: cross-site).")
    origin = request.headers.get("origin")
    if origin is None:
        return
    match = _ORIGIN.fullmatch(origin.strip())
    try:
        name = split_host(match[1])[0] if match else None
    except InvalidHost:
        name = None
    if name is None or not local(name, settings.allowed_hosts):
        raise CrossSiteRequest(
            f"The control plane does not answer pages of another origin ({origin[:80]!r}); "
            "send the request from a program, not from a web page."
        )
