"""The plugin's options inside a pytest run: flag, ini key and environment variable for each,
their precedence, the report header, invalid values, and contract selection by ID."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import pytest

from pytest_zdevents.emulator import Emulator
from pytest_zdevents.runtime.config import OPTIONS

# name: (flag, ini key, environment variable), as docs/suite.md spells them.
NAMES: dict[str, tuple[str, str, str]] = {
    "url": ("--zd-url", "zd_url", "ZDEVENTS_URL"),
    "email": ("--zd-email", "zd_email", "ZDEVENTS_EMAIL"),
    "token": ("--zd-token", "zd_token", "ZDEVENTS_API_TOKEN"),
    "oauth_token": ("--zd-oauth-token", "zd_oauth_token", "ZDEVENTS_OAUTH_TOKEN"),
    "read_only_oauth_token": (
        "--zd-read-only-oauth-token",
        "zd_read_only_oauth_token",
        "ZDEVENTS_READ_ONLY_OAUTH_TOKEN",
    ),
    "timeout": ("--zd-timeout", "zd_timeout", "ZDEVENTS_TIMEOUT"),
    "eventually_timeout": ("--zd-eventually-timeout", "zd_eventually_timeout", "ZDEVENTS_EVENTUALLY_TIMEOUT"),
    "eventually_interval": (
        "--zd-eventually-interval",
        "zd_eventually_interval",
        "ZDEVENTS_EVENTUALLY_INTERVAL",
    ),
    "request_budget": ("--zd-request-budget", "zd_request_budget", "ZDEVENTS_REQUEST_BUDGET"),
    "max_examples": ("--zd-max-examples", "zd_max_examples", "ZDEVENTS_MAX_EXAMPLES"),
    "rate": ("--zd-rate", "zd_rate", "ZDEVENTS_RATE"),
    "contract": ("--zd-contract", "zd_contracts", "ZDEVENTS_CONTRACTS"),
    "emulator_quirk": ("--zd-emulator-quirk", "zd_emulator_quirks", "ZDEVENTS_EMULATOR_QUIRKS"),
    "emulator_variation": (
        "--zd-emulator-variation",
        "zd_emulator_variations",
        "ZDEVENTS_EMULATOR_VARIATIONS",
    ),
    "emulator_lag": ("--zd-emulator-lag", "zd_emulator_lag", "ZDEVENTS_EMULATOR_LAG"),
    "capabilities": ("--zd-capabilities", "zd_capabilities", "ZDEVENTS_CAPABILITIES"),
    "deviations": ("--zd-deviations", "zd_deviations", "ZDEVENTS_DEVIATIONS"),
    "strict": ("--zd-strict", "zd_strict", "ZDEVENTS_STRICT"),
    "report": ("--zd-report", "zd_report", "ZDEVENTS_REPORT"),
    "html": ("--zd-html", "zd_html", "ZDEVENTS_HTML"),
    "read_only": ("--zd-read-only", "zd_read_only", "ZDEVENTS_READ_ONLY"),
    "compare_emulator": ("--zd-compare-emulator", "zd_compare_emulator", "ZDEVENTS_COMPARE_EMULATOR"),
    "seed": ("--zd-seed", "zd_seed", "ZDEVENTS_SEED"),
}
#: Flags that take no value on the command line.
BOOLEANS = {"strict", "read_only", "compare_emulator"}

DEFAULTS: dict[str, Any] = {
    "url": None,
    "email": None,
    "token": None,
    "oauth_token": None,
    "read_only_oauth_token": None,
    "timeout": 30.0,
    "eventually_timeout": 10.0,
    "eventually_interval": 0.2,
    "request_budget": 20000,
    "max_examples": 20,
    "rate": None,
    "contract": [],
    "emulator_quirk": [],
    "emulator_variation": [],
    "emulator_lag": 0.0,
    "capabilities": None,
    "deviations": None,
    "strict": False,
    "report": None,
    "html": None,
    "read_only": False,
    "compare_emulator": False,
    "seed": None,
}

# name: (text given, effective value as JSON gives it back)
VALUES: dict[str, tuple[str, Any]] = {
    "url": ("http://zd.example.invalid", "http://zd.example.invalid"),
    "email": ("agent@example.com", "agent@example.com"),
    "token": ("tok-3x4mpl3", "tok-3x4mpl3"),
    "oauth_token": ("oauth-3x4mpl3", "oauth-3x4mpl3"),
    "read_only_oauth_token": ("read-0nly-3x4mpl3", "read-0nly-3x4mpl3"),
    "timeout": ("12.5", 12.5),
    "eventually_timeout": ("3", 3.0),
    "eventually_interval": ("0.5", 0.5),
    "request_budget": ("77", 77),
    "max_examples": ("7", 7),
    "rate": ("6000", 6000.0),
    "contract": ("dump.*", ["dump.*"]),
    "emulator_quirk": ("page_skips_item", ["page_skips_item"]),
    "emulator_variation": ("oldest_first", ["oldest_first"]),
    "emulator_lag": ("0.25", 0.25),
    "capabilities": ("caps.yaml", "caps.yaml"),
    "deviations": ("devs.yaml", "devs.yaml"),
    "strict": ("true", True),
    "report": ("out/report.json", "out/report.json"),
    "html": ("out/matrix.html", "out/matrix.html"),
    "read_only": ("yes", True),
    "compare_emulator": ("on", True),
    "seed": ("5", 5),
}

# A test that writes the effective settings next to itself. It carries a contract ID so that
# --zd-contract 'dump.*' selects it.
DUMP = """
import json, pathlib, pytest

@pytest.mark.contract("dump.settings")
def test_dump(zd_config):
    settings = {name: [s.value, s.source] for name, s in zd_config.settings.items()}
    pathlib.Path(__file__).with_name("settings.json").write_text(json.dumps(settings))
"""


def dumped(pytester: pytest.Pytester, *args: str) -> dict[str, list[Any]]:
    """Run the dump test with ``args``; the effective settings as ``{name: [value, source]}``."""
    pytester.makepyfile(test_inner_dump=DUMP)
    # The files VALUES names, so that --zd-capabilities and --zd-deviations find them.
    (pytester.path / "caps.yaml").write_text("capabilities: {oauth: true}\n")
    (pytester.path / "devs.yaml").write_text("deviations: []\n")
    result = pytester.runpytest_inprocess(*args)
    result.assert_outcomes(passed=1)
    return json.loads((pytester.path / "settings.json").read_text())


def source_name(name: str, where: str) -> str:
    flag, ini, env = NAMES[name]
    return {"flag": flag, "env": env, "ini": f"ini {ini}"}[where]


def output(result: pytest.RunResult) -> str:
    return result.stdout.str() + "\n" + result.stderr.str()


@pytest.fixture(scope="module")
def answering_url() -> Iterator[str]:
    """A --zd-url that passes the pre-flight (runtime/preflight.py): an emulator that serves any
    request, credentials or none."""
    emulator = Emulator(quirks=["auth_ignored"])
    with emulator.serve() as served:
        yield served.url
    emulator.close()


def test_the_table_covers_every_option() -> None:
    assert {option.name for option in OPTIONS} == set(NAMES) == set(VALUES) == set(DEFAULTS)


def test_defaults(pytester: pytest.Pytester) -> None:
    settings = dumped(pytester)
    assert {name: value for name, (value, _) in settings.items()} == DEFAULTS
    assert {source for _, source in settings.values()} == {"default"}


@pytest.mark.parametrize("where", ["flag", "ini", "env"])
@pytest.mark.parametrize("name", list(NAMES))
def test_every_option_is_settable_three_ways(
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
    name: str,
    where: str,
) -> None:
    flag, ini, env = NAMES[name]
    text, expected = VALUES[name]
    if name == "url":
        text = expected = request.getfixturevalue("answering_url")
    args: list[str] = []
    # --zd-rate paces requests to a URL, and is a usage error without one.
    also = {"url"} if name == "rate" else set()
    if also:
        args += ["--zd-url", request.getfixturevalue("answering_url")]
    if where == "flag":
        args += [flag] if name in BOOLEANS else [flag, text]
    elif where == "ini":
        pytester.makeini(f"[pytest]\n{ini} = {text}\n")
    else:
        monkeypatch.setenv(env, text)
    settings = dumped(pytester, *args)
    assert settings[name] == [expected, source_name(name, where)]
    others = {n: s for n, s in settings.items() if n != name and n not in also}
    if "url" in (name, *also):
        # Against a URL, fewer hypothesis examples by default: each one costs the target's budget.
        assert others.pop("max_examples") == [3, "default against --zd-url"]
    assert all(source == "default" for _, source in others.values()), others


# name: (values on the command line, in the environment, in the ini file, the default), each
# with the value it must resolve to.
LAYERS: dict[str, dict[str, tuple[Any, Any]]] = {
    "timeout": {"flag": (["11"], 11.0), "env": ("22", 22.0), "ini": ("33", 33.0), "default": (None, 30.0)},
    "request_budget": {
        "flag": (["101"], 101),
        "env": ("202", 202),
        "ini": ("303", 303),
        "default": (None, 20000),
    },
    "email": {
        "flag": (["cli@example.com"], "cli@example.com"),
        "env": ("env@example.com", "env@example.com"),
        "ini": ("ini@example.com", "ini@example.com"),
        "default": (None, None),
    },
    "emulator_quirk": {
        "flag": (["page_skips_item", "cursor_ignored"], ["page_skips_item", "cursor_ignored"]),
        "env": ("email_case_kept,put_merges", ["email_case_kept", "put_merges"]),
        "ini": ("track_returns_200, auth_ignored", ["track_returns_200", "auth_ignored"]),
        "default": (None, []),
    },
}


@pytest.mark.parametrize(
    "given",
    [("flag", "env", "ini"), ("env", "ini"), ("ini",), ()],
    ids=["cli-beats-env-and-ini", "env-beats-ini", "ini-beats-default", "default"],
)
@pytest.mark.parametrize("name", list(LAYERS))
def test_precedence(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, name: str, given: tuple[str, ...]
) -> None:
    flag, ini, env = NAMES[name]
    layers = LAYERS[name]
    args: list[str] = []
    if "flag" in given:
        for value in layers["flag"][0]:
            args += [flag, value]
    if "env" in given:
        monkeypatch.setenv(env, layers["env"][0])
    if "ini" in given:
        pytester.makeini(f"[pytest]\n{ini} = {layers['ini'][0]}\n")
    winner = given[0] if given else "default"
    source = "default" if winner == "default" else source_name(name, winner)
    assert dumped(pytester, *args)[name] == [layers[winner][1], source]


def test_header_lists_each_effective_value_and_its_source(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makeini("[pytest]\nzd_max_examples = 7\nzd_emulator_quirks = page_skips_item,cursor_ignored\n")
    monkeypatch.setenv("ZDEVENTS_EVENTUALLY_TIMEOUT", "3")
    monkeypatch.setenv("ZDEVENTS_MAX_EXAMPLES", "8")
    pytester.makepyfile("def test_nothing():\n    pass\n")
    result = pytester.runpytest_inprocess(
        "--zd-timeout", "12.5", "--zd-email", "agent@example.com", "--zd-emulator-variation", "oldest_first"
    )
    result.assert_outcomes(passed=1)
    lines = result.stdout.lines
    header = lines[: next(i for i, line in enumerate(lines) if line.startswith("collected"))]
    expected = [
        "zdevents: target the embedded emulator (in-process)",
        "  email: agent@example.com (from --zd-email)",
        "  timeout: 12.5 (from --zd-timeout)",
        "  eventually_timeout: 3.0 (from ZDEVENTS_EVENTUALLY_TIMEOUT)",
        "  eventually_interval: 0.2 (from default)",
        "  request_budget: 20000 (from default)",
        "  max_examples: 8 (from ZDEVENTS_MAX_EXAMPLES)",
        "  emulator_quirk: page_skips_item,cursor_ignored (from ini zd_emulator_quirks)",
        "  emulator_variation: oldest_first (from --zd-emulator-variation)",
        "  emulator_lag: 0.0 (from default)",
    ]
    for line in expected:
        assert line in header, f"{line!r} not in the header:\n" + "\n".join(header)
    # Nothing unset is listed, and no option twice.
    listed = [line.split(":")[0].strip() for line in header if line.startswith("  ") and "(from " in line]
    assert sorted(listed) == sorted(line.split(":")[0].strip() for line in expected[1:])


@pytest.mark.parametrize("where", ["flag", "env", "ini"])
def test_header_masks_secrets(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    token, oauth = "Tk-9d8f7e6a5b4c", "Oa-1a2b3c4d5e6f"
    args: list[str] = []
    if where == "flag":
        args = ["--zd-token", token, "--zd-oauth-token", oauth]
    elif where == "env":
        monkeypatch.setenv("ZDEVENTS_API_TOKEN", token)
        monkeypatch.setenv("ZDEVENTS_OAUTH_TOKEN", oauth)
    else:
        pytester.makeini(f"[pytest]\nzd_token = {token}\nzd_oauth_token = {oauth}\n")
    pytester.makepyfile("def test_nothing(zd_config):\n    pass\n")
    result = pytester.runpytest_inprocess("-v", "-rA", *args)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            f"  token: ******** (from {source_name('token', where)})",
            f"  oauth_token: ******** (from {source_name('oauth_token', where)})",
        ]
    )
    text = output(result)
    assert token not in text
    assert oauth not in text


def test_header_names_the_embedded_emulator_by_default(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_nothing():\n    pass\n")
    result = pytester.runpytest_inprocess()
    result.stdout.fnmatch_lines(["zdevents: target the embedded emulator (in-process)"])
    assert "WARNING" not in result.stdout.str()


@pytest.mark.parametrize("where", ["flag", "env"])
def test_header_names_the_url_target(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, answering_url: str, where: str
) -> None:
    url = answering_url
    args = ["--zd-url", url] if where == "flag" else []
    if where == "env":
        monkeypatch.setenv("ZDEVENTS_URL", url)
    pytester.makepyfile("def test_nothing():\n    pass\n")
    result = pytester.runpytest_inprocess(*args)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"zdevents: target {url}"])
    assert "embedded emulator" not in result.stdout.str()


def test_unknown_environment_variables_are_warned_about_by_name(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZDEVENTS_TIMOUT", "5")
    monkeypatch.setenv("ZDEVENTS_TOKEN", "Typo-secret-4711")
    monkeypatch.setenv("ZDEVENTS_TIMEOUT", "5")
    pytester.makepyfile("def test_nothing():\n    pass\n")
    result = pytester.runpytest_inprocess()
    result.assert_outcomes(passed=1)
    (warning,) = [line for line in result.stdout.lines if "WARNING" in line]
    assert "ZDEVENTS_TIMOUT" in warning
    assert "ZDEVENTS_TOKEN" in warning
    assert "ZDEVENTS_TIMEOUT," not in warning and not warning.rstrip(";. ").endswith("ZDEVENTS_TIMEOUT")
    assert "Typo-secret-4711" not in output(result)
    result.stdout.fnmatch_lines(["  timeout: 5.0 (from ZDEVENTS_TIMEOUT)"])


@pytest.mark.parametrize(
    ("args", "env", "ini", "expected"),
    [
        (["--zd-timeout", "abc"], {}, "", ["--zd-timeout must be", "'abc'"]),
        (
            [],
            {"ZDEVENTS_REQUEST_BUDGET": "0"},
            "",
            ["--zd-request-budget (from ZDEVENTS_REQUEST_BUDGET)", "'0'"],
        ),
        ([], {"ZDEVENTS_REQUEST_BUDGET": "2.5"}, "", ["--zd-request-budget (from ZDEVENTS_REQUEST_BUDGET)"]),
        ([], {}, "zd_max_examples = lots", ["--zd-max-examples (from ini zd_max_examples)", "'lots'"]),
        (
            ["--zd-eventually-interval", "0"],
            {},
            "",
            ["--zd-eventually-interval must be"],
        ),
        (["--zd-emulator-lag", "-1"], {}, "", ["--zd-emulator-lag must be", "'-1'"]),
    ],
    ids=[
        "timeout-flag",
        "budget-env-zero",
        "budget-env-fraction",
        "examples-ini",
        "interval-zero",
        "lag-negative",
    ],
)
def test_invalid_value_is_a_usage_error_naming_option_and_source(
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    env: dict[str, str],
    ini: str,
    expected: list[str],
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    if ini:
        pytester.makeini(f"[pytest]\n{ini}\n")
    pytester.makepyfile("def test_nothing():\n    pass\n")
    result = pytester.runpytest_inprocess(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    (error,) = [line for line in result.stderr.lines if line.startswith("ERROR:")]
    for part in expected:
        assert part in error, error
    assert "Traceback" not in output(result)
    assert "passed" not in result.stdout.str()


@pytest.mark.parametrize(
    "args",
    [["--zd-emulator-quirk", "no_such_quirk"], ["--zd-emulator-variation", "no_such_variation"]],
    ids=["quirk", "variation"],
)
def test_unknown_switch_name_is_a_usage_error(pytester: pytest.Pytester, args: list[str]) -> None:
    """A misspelt quirk is an invalid value like any other: the run must not start and then
    error in every test."""
    pytester.makepyfile("def test_uses_target(zd_client):\n    pass\n")
    result = pytester.runpytest_inprocess(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR, output(result)
    (error,) = [line for line in result.stderr.lines if line.startswith("ERROR:")]
    assert args[0] in error and args[1] in error, error


@pytest.mark.parametrize(
    ("args", "env", "ini", "flag"),
    [
        (
            ["--zd-url", "http://zd.example.invalid", "--zd-emulator-quirk", "page_skips_item"],
            {},
            "",
            "--zd-emulator-quirk",
        ),
        (
            ["--zd-emulator-quirk", "page_skips_item"],
            {"ZDEVENTS_URL": "http://zd.example.invalid"},
            "",
            "--zd-emulator-quirk",
        ),
        (["--zd-url", "http://zd.example.invalid"], {"ZDEVENTS_EMULATOR_LAG": "1"}, "", "--zd-emulator-lag"),
        (
            ["--zd-url", "http://zd.example.invalid"],
            {},
            "zd_emulator_variations = oldest_first",
            "--zd-emulator-variation",
        ),
    ],
    ids=["quirk-flag", "url-env", "lag-env", "variation-ini"],
)
def test_emulator_options_with_a_url_are_a_usage_error(
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    env: dict[str, str],
    ini: str,
    flag: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    if ini:
        pytester.makeini(f"[pytest]\n{ini}\n")
    pytester.makepyfile("def test_nothing():\n    pass\n")
    result = pytester.runpytest_inprocess(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    (error,) = [line for line in result.stderr.lines if line.startswith("ERROR:")]
    assert flag in error and "--zd-url" in error, error


CONTRACTS = """
import pytest

@pytest.mark.contract("filters.source.exact")
def test_source():
    pass

@pytest.mark.contract("filters.type.exact")
def test_type():
    pass

@pytest.mark.contract("reads.order")
def test_order():
    pass

@pytest.mark.contract("xfilters.lookalike")
def test_lookalike():
    pass

def test_unmarked():
    pass

@pytest.mark.contract("reads.fails")
def test_fails():
    assert False

@pytest.mark.contract("filters.skipped")
def test_skipped():
    pytest.skip("not here")
"""


def ran(result: pytest.RunResult) -> set[str]:
    """Names of the tests that ran, from ``-v`` output."""
    return {
        line.split("::")[1].split()[0]
        for line in result.stdout.lines
        if "::" in line and any(w in line for w in ("PASSED", "FAILED", "SKIPPED"))
    }


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        (["--zd-contract", "filters.*"], {}, {"test_source", "test_type", "test_skipped"}),
        (
            ["--zd-contract", "filters.*", "--zd-contract", "reads.order"],
            {},
            {"test_source", "test_type", "test_skipped", "test_order"},
        ),
        ([], {"ZDEVENTS_CONTRACTS": "filters.type.*,reads.*"}, {"test_type", "test_order", "test_fails"}),
        (["--zd-contract", "nothing.*"], {}, set()),
    ],
    ids=["one-pattern", "two-flags", "env-comma-separated", "no-match"],
)
def test_contract_selects_by_id(
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    env: dict[str, str],
    expected: set[str],
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    pytester.makepyfile(test_inner_contracts=CONTRACTS)
    result = pytester.runpytest_inprocess("-v", "--strict-markers", *args)
    assert ran(result) == expected
    result.stdout.fnmatch_lines([f"*{7 - len(expected)} deselected*"])


def test_without_contract_option_every_test_runs(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_inner_contracts=CONTRACTS)
    result = pytester.runpytest_inprocess("-v", "--strict-markers")
    result.assert_outcomes(passed=5, failed=1, skipped=1)
    assert "deselected" not in result.stdout.str()


def test_contract_id_is_a_junit_property(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_inner_contracts=CONTRACTS)
    result = pytester.runpytest_inprocess("--junitxml=report.xml")
    result.assert_outcomes(passed=5, failed=1, skipped=1)
    root = ET.parse(pytester.path / "report.xml").getroot()
    properties = {
        case.get("name"): [(p.get("name"), p.get("value")) for p in case.iter("property")]
        for case in root.iter("testcase")
    }
    assert properties == {
        "test_source": [("contract", "filters.source.exact")],
        "test_type": [("contract", "filters.type.exact")],
        "test_order": [("contract", "reads.order")],
        "test_lookalike": [("contract", "xfilters.lookalike")],
        "test_unmarked": [],
        "test_fails": [("contract", "reads.fails")],
        "test_skipped": [("contract", "filters.skipped")],
    }
