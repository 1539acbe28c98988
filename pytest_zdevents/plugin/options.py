"""The plugin's options: every option of :mod:`pytest_zdevents.runtime.config` as a command-line
flag, an ini key and an environment variable.

Precedence is command line, then environment, then ini, then the default, as in pytest-django.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import pytest

from pytest_zdevents.runtime.config import ENV_PREFIX, KNOWN_ENV, OPTIONS, URL_MAX_EXAMPLES, Setting, ZdConfig
from pytest_zdevents.spec.listing import FORMATS, LIST_FLAG


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("zdevents", "Zendesk Events API conformance (pytest-zdevents)")
    for option in OPTIONS:
        env_help = f" [env {option.env}, ini {option.ini}]"
        if option.boolean:
            group.addoption(
                option.flag, action="store_const", const="true", default=None, help=option.help + env_help
            )
            parser.addini(option.ini, option.help + " true or false.", default=None)
        elif option.multiple:
            group.addoption(option.flag, action="append", default=None, help=option.help + env_help)
            parser.addini(option.ini, option.help + " Comma-separated.", type="args", default=None)
        else:
            group.addoption(option.flag, default=None, help=option.help + env_help)
            parser.addini(option.ini, option.help, default=None)
    # A command, not a setting of the run: no ini key, no environment variable.
    group.addoption(
        LIST_FLAG,
        dest="zd_list_contracts",
        nargs="?",
        const="text",
        choices=FORMATS,
        default=None,
        help="Print every contract of the catalogue (ID, area, MUST statement, source) and run nothing; "
        f"{LIST_FLAG}=json prints JSON.",
    )


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.replace(",", " ").split() if part.strip())


def resolve(config: pytest.Config, environ: Mapping[str, str] | None = None) -> ZdConfig:
    """Each option's effective value: command line, environment, ini, default.

    Raises ``pytest.UsageError`` with a sentence saying what to fix when a value is invalid.
    """
    environ = os.environ if environ is None else environ
    settings = {}
    for option in OPTIONS:
        cli = config.getoption(option.flag)
        ini = config.getini(option.ini)
        if cli is not None:
            raw, source = cli, option.flag
        elif environ.get(option.env):
            raw, source = environ[option.env], option.env
        elif ini:
            raw, source = ini, f"ini {option.ini}"
        else:
            settings[option.name] = Setting(option.default, "default")
            continue
        try:
            if option.multiple:
                parts = raw if isinstance(raw, list | tuple) else [raw]
                value: Any = tuple(item for part in parts for item in _split(part))
            else:
                value = option.convert(raw)
        except ValueError as exc:
            where = option.flag if source == option.flag else f"{option.flag} (from {source})"
            raise pytest.UsageError(f"{where} {exc}. {option.help} Fix the value and run again.") from None
        settings[option.name] = Setting(value, source)
    if settings["max_examples"].source == "default" and settings["url"].value is not None:
        # Every example is requests of the target's budget: a URL run spends fewer by default.
        settings["max_examples"] = Setting(URL_MAX_EXAMPLES, "default against --zd-url")
    return ZdConfig(settings)


def unknown_environment(environ: Mapping[str, str] | None = None) -> list[str]:
    """``ZDEVENTS_*`` variables no option reads: most likely typos."""
    environ = os.environ if environ is None else environ
    return sorted(name for name in environ if name.startswith(ENV_PREFIX) and name not in KNOWN_ENV)
