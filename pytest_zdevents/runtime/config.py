"""A run's options: each known by a command-line flag, an ini key and an environment variable
(:mod:`pytest_zdevents.plugin.options` reads them), and their effective values, each remembering
where it came from, so that the report header can say so."""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from pytest_zdevents.credentials import MASK
from pytest_zdevents.spec.view import View, view_for

ENV_PREFIX = "ZDEVENTS_"
#: --zd-max-examples when not given and the target is a URL: a run of at most about 800 requests.
URL_MAX_EXAMPLES = 3


def _number(kind: type, what: str, minimum: float) -> Callable[[str], Any]:
    def convert(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise ValueError(f"must be {what}, not {text!r}") from None
        if value < minimum:
            raise ValueError(f"must be {what} of at least {minimum}, not {text!r}")
        return value

    return convert


def _seconds(minimum: float) -> Callable[[str], Any]:
    return _number(float, "a number of seconds", minimum)


def _whole(minimum: int) -> Callable[[str], Any]:
    return _number(int, "a whole number", minimum)


def _boolean(text: str | bool) -> bool:
    if isinstance(text, bool):
        return text
    word = text.strip().lower()
    if word in ("1", "true", "yes", "on"):
        return True
    if word in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"must be true or false (1/0, yes/no, on/off), not {text!r}")


#: The schemes a target is reached by.
URL_SCHEMES = ("http", "https")


def _url(text: str) -> str:
    """A target's base URL: ``http://`` or ``https://``, a host, and a port when one is given."""
    text = text.strip()
    if not text:
        raise ValueError("is empty; give the base URL, e.g. https://example.zendesk.com, or leave it out")
    scheme, found, rest = text.partition("://")
    if not found:
        raise ValueError(f"{text} has no scheme; write http://{text} (or https://{text})")
    if scheme.lower() not in URL_SCHEMES:
        raise ValueError(f"{text} has the scheme {scheme}://; write http://{rest} or https://{rest}")
    parts = urlsplit(text)
    if not parts.hostname:
        raise ValueError(f"{text} has no host; write one, e.g. http://127.0.0.1:8080")
    try:
        _ = parts.port  # reading it checks it
    except ValueError:
        raise ValueError(f"{text} has a port that is not a number from 0 to 65535") from None
    return text


@dataclass(frozen=True)
class Option:
    """One option, known by its flag, ini key and environment variable."""

    name: str
    help: str
    default: Any = None
    convert: Callable[[str], Any] = str
    secret: bool = False
    multiple: bool = False
    #: A flag without a value on the command line; true/false in the environment and ini.
    boolean: bool = False

    @property
    def flag(self) -> str:
        return "--zd-" + self.name.replace("_", "-")

    @property
    def ini(self) -> str:
        return "zd_" + self.name + ("s" if self.multiple else "")

    @property
    def env(self) -> str:
        return ENV_PREFIX + {"token": "API_TOKEN"}.get(self.name, self.ini[3:].upper())


OPTIONS: tuple[Option, ...] = (
    Option(
        "url",
        "Base URL of the implementation to test, http:// or https://; the embedded emulator when not given.",
        convert=_url,
    ),
    Option("email", "Agent email for Basic authentication ({email}/token:{api_token})."),
    Option("token", "API token for Basic authentication.", secret=True),
    Option(
        "oauth_token",
        "OAuth access token, sent as Authorization: Bearer; with the oauth_scopes capability, one that "
        "has users:write.",
        secret=True,
    ),
    Option(
        "read_only_oauth_token",
        "An OAuth access token with only the users:read scope, for the write-forbidden contract.",
        secret=True,
    ),
    Option("timeout", "Seconds an HTTP request may take.", 30.0, _seconds(0.001)),
    Option(
        "eventually_timeout",
        "Seconds a read may take to show what was just written.",
        10.0,
        _seconds(0),
    ),
    Option(
        "eventually_interval",
        "Seconds between reads while waiting for a write to show.",
        0.2,
        _seconds(0.001),
    ),
    Option(
        "request_budget",
        "Most HTTP requests one test process may send; the run stops cleanly when it is spent.",
        20000,
        _whole(1),
    ),
    Option(
        "rate",
        "With --zd-url: at most this many requests a minute, paced evenly (each xdist worker takes its "
        "share), so that a run leaves the target's rate limit to its own integrations.",
        None,
        _number(float, "a number of requests a minute", 1),
    ),
    Option(
        "max_examples",
        "Hypothesis examples per property and per schemathesis operation; "
        f"{URL_MAX_EXAMPLES} by default against --zd-url, where every example costs the target's budget.",
        20,
        _whole(1),
    ),
    Option(
        "contract",
        "Run only the contracts whose ID matches this pattern, e.g. 'filters.*' (repeatable).",
        (),
        multiple=True,
    ),
    Option(
        "capabilities",
        "YAML file declaring the optional parts the target has; contracts needing others are skipped.",
    ),
    Option(
        "deviations",
        "YAML file of contract IDs or node IDs expected to fail, each with a reason; they report as xfail.",
    ),
    Option(
        "strict",
        "Fail the run when a deviation matches no test or now passes, instead of warning.",
        False,
        _boolean,
        boolean=True,
    ),
    Option("report", "Write the run's JSON conformance report to this path."),
    Option("html", "Write a self-contained HTML conformance matrix to this path."),
    Option(
        "compare_emulator",
        "Replay every exchange of the run against a fresh embedded emulator and report where the "
        "target's answers differ from it: status, shape, error code, reads (terminal, JSON, HTML).",
        False,
        _boolean,
        boolean=True,
    ),
    Option(
        "read_only",
        "Send no writes: skip every contract that writes; the rest read data named in --zd-capabilities.",
        False,
        _boolean,
        boolean=True,
    ),
    Option(
        "seed",
        "Hypothesis seed; a run prints its seed, and the same seed replays it.",
        None,
        _whole(0),
    ),
    Option("emulator_quirk", "Embedded emulator only: switch on a quirk (repeatable).", (), multiple=True),
    Option(
        "emulator_variation",
        "Embedded emulator only: switch on a legal variation (repeatable).",
        (),
        multiple=True,
    ),
    Option(
        "emulator_lag",
        "Embedded emulator only: seconds before a tracked event becomes readable.",
        0.0,
        _seconds(0),
    ),
)
BY_NAME = {option.name: option for option in OPTIONS}


def flag(name: str) -> str:
    """The command-line flag of option ``name``, for messages: ``--zd-read-only``."""
    return BY_NAME[name].flag


KNOWN_ENV = frozenset(option.env for option in OPTIONS)


@dataclass(frozen=True)
class Setting:
    """A resolved option: its value and where it came from."""

    value: Any
    source: str


class ZdConfig:
    """The effective options of a run."""

    def __init__(self, settings: Mapping[str, Setting]) -> None:
        self.settings = dict(settings)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.settings[name].value
        except KeyError:
            raise AttributeError(name) from None

    def shown(self, name: str) -> Any:
        """The value of option ``name`` as outputs may show it: secrets masked."""
        value = self.settings[name].value
        return MASK if BY_NAME[name].secret and value is not None else value

    def effective(self) -> dict[str, dict[str, Any]]:
        """Every option's shown value and source, for reports."""
        return {
            option.name: {"value": self.shown(option.name), "source": self.settings[option.name].source}
            for option in OPTIONS
        }

    @property
    def spec_view(self) -> View:
        """The view of the spec the schema contract holds this run's target to."""
        return view_for(embedded=self.url is None, variations=self.emulator_variation)

    def selects(self, contract: str) -> bool:
        """Whether ``--zd-contract`` selects ``contract``: every contract when it is not given."""
        return not self.contract or any(fnmatch.fnmatchcase(contract, p) for p in self.contract)

    def header_lines(self) -> list[str]:
        """One line per option that is set: its value (secrets masked) and its source."""
        lines = []
        for option in OPTIONS:
            value = self.shown(option.name)
            # Unset: None, no items, or a flag not given (``is``: 0.0 == False).
            if value is None or value == () or value is False:
                continue
            if option.multiple:
                value = ",".join(value)
            lines.append(f"  {option.name}: {value} (from {self.settings[option.name].source})")
        return lines
