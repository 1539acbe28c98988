"""No secret in anything a run writes, and output that stays readable whatever the secret: the
redaction rules, a failing test that puts the target's credentials in its message, its locals, its
output and its logs, and a contract failing against a served emulator with a one-character and a
40-character token."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator

import httpx
import pytest

from pytest_zdevents.credentials import MASK, basic_credentials, basic_header, basic_pair
from pytest_zdevents.emulator import Emulator, ServedEmulator
from pytest_zdevents.runtime.redaction import MIN_FREE_TEXT, redact
from pytest_zdevents.spec.catalogue import contracts_dir

TOKEN, OAUTH, EMAIL = "CANARY-token-5f3a", "CANARY-oauth-9b1c", "e@example.com"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a TOKEN b TOKEN", f"a {MASK} b {MASK}"),
        ("{'Authorization': 'Basic Zm9vOmJhcg=='}", f"{{'Authorization': 'Basic {MASK}'}}"),
        ("authorization: Bearer abc.def", f"authorization: Bearer {MASK}"),
        ("-H 'Authorization: xyz'", f"-H 'Authorization: {MASK}'"),
        ('"authorization"="Bearer q"', f'"authorization"="Bearer {MASK}"'),
        ("Basic authentication and Bearer tokens", "Basic authentication and Bearer tokens"),
        ("Authorization: Basic dTp2\r\nHost: x", f"Authorization: Basic {MASK}\r\nHost: x"),
        ("'authorization': 'Token abc=='", f"'authorization': 'Token {MASK}'"),
        ("headers={'Authorization': 'Bearer q'}\\n", f"headers={{'Authorization': 'Bearer {MASK}'}}\\n"),
        # Prose and source code after "Authorization": no credential there.
        (
            "Authorization: Basic authentication is required",
            "Authorization: Basic authentication is required",
        ),
        ("sent as Authorization: Bearer; with scopes", "sent as Authorization: Bearer; with scopes"),
        ('{"Authorization": f"Bearer {token}"}', '{"Authorization": f"Bearer {token}"}'),
        ('{"Authorization": "Basic " + value}', '{"Authorization": "Basic " + value}'),
        ("Authorization: Bearer NAME (repeatable)", "Authorization: Bearer NAME (repeatable)"),
    ],
)
def test_redact_masks_secrets_and_authorization_values(text: str, expected: str) -> None:
    assert redact(text, ["TOKEN"]) == expected


def test_empty_and_missing_secrets_mask_nothing() -> None:
    assert redact("x=one&y=two", ["one", None, "", "two"]) == f"x={MASK}&y={MASK}"
    assert redact("nothing secret", [None, ""]) == "nothing secret"


def test_a_secret_containing_another_is_masked_whole() -> None:
    assert redact("abc abcdef", ["abc", "abcdef"]) == f"{MASK} {MASK}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("t", MASK),
        ("AssertionError: got t", f"AssertionError: got {MASK}"),
        ("e@example.com/token:t", f"e@example.com/token:{MASK}"),
        ('{"token": "t"}', f'{{"token": "{MASK}"}}'),
        ("{'token': 't', 'b': b't'}", f"{{'token': '{MASK}', 'b': b'{MASK}'}}"),
        ("GET /x?token=t&page=2", f"GET /x?token={MASK}&page=2"),
        ("the token is t.", f"the token is {MASK}."),
        ("'first line\\nt'", f"'first line\\n{MASK}'"),
        # Inside longer runs of token characters, and after a contraction's apostrophe, it is no secret.
        ("AssertionError in test_it", "AssertionError in test_it"),
        ("t-shirt t.co /t/ t_1 t+1 t~ 8t", "t-shirt t.co /t/ t_1 t+1 t~ 8t"),
        ("don't, isn't", "don't, isn't"),
    ],
)
def test_a_short_secret_is_masked_as_a_whole_token_only(text: str, expected: str) -> None:
    assert redact(text, ["t"]) == expected


def test_a_long_secret_is_masked_inside_longer_words_too() -> None:
    secret = "Tok-8chars"
    assert len(secret) >= MIN_FREE_TEXT
    assert redact(f"x{secret}y \\n{secret} {secret}", [secret]) == f"x{MASK}y \\n{MASK} {MASK}"


def test_the_emulators_401_hint_stays_readable() -> None:
    """The hint names the header with placeholders in braces; none of it is a credential."""
    emulator = Emulator(email=EMAIL, token="t")
    with emulator.serve() as running:
        answer = httpx.get(
            f"{running.url}/api/v2/user_profiles", headers=basic_header(EMAIL, "u"), timeout=10
        )
    emulator.close()
    assert answer.status_code == 401
    detail = answer.json()["errors"][0]["detail"]
    assert "Authorization: Basic base64('{email}/token:{api_token}') or Bearer {oauth_token}" in detail
    secrets = ["t", basic_pair(EMAIL, "t"), basic_credentials(EMAIL, "t")]
    assert redact(answer.text, secrets) == answer.text


LEAKY = f'''
import logging

import pytest


@pytest.mark.contract("auth.basic_token.verified")
def test_leaks(zd_target):
    headers = {{"Authorization": f"Bearer {{zd_target.oauth_token}}"}}
    token = zd_target.token
    logging.getLogger("leaky").warning("sending %s with %s", headers, token)
    print("credentials", token, zd_target.oauth_token, "{basic_credentials(EMAIL, TOKEN)}")
    assert token == "something else", f"token {{token}} and {{headers}}"
'''


@pytest.fixture
def target_url() -> Iterator[str]:
    """A target that takes the run's credentials, so that the pre-flight lets the run go on."""
    emulator = Emulator(email=EMAIL, token=TOKEN, oauth_tokens=[OAUTH])
    with emulator.serve() as served:
        yield served.url
    emulator.close()


def test_no_output_of_a_failing_run_holds_a_secret(pytester: pytest.Pytester, target_url: str) -> None:
    pytester.makepyfile(test_leaky=LEAKY)
    result = pytester.runpytest_subprocess(
        "-p",
        "no:cacheprovider",
        f"--zd-url={target_url}",
        f"--zd-email={EMAIL}",
        f"--zd-token={TOKEN}",
        f"--zd-oauth-token={OAUTH}",
        "--showlocals",
        "-rA",
        "-vv",
        "--log-level=DEBUG",
        "--log-cli-level=WARNING",
        "--log-file=run.log",
        "--zd-report=report.json",
        "--zd-html=matrix.html",
        "--junitxml=junit.xml",
    )
    assert result.ret == 1, "the test fails, so its report goes everywhere"
    outputs = {
        "stdout": result.stdout.str(),
        "stderr": result.stderr.str(),
        **{
            name: (pytester.path / name).read_text()
            for name in ("report.json", "matrix.html", "junit.xml", "run.log")
        },
    }
    assert "test_leaks" in outputs["stdout"] and "sending" in outputs["junit.xml"], "the leaks were reported"
    assert "sending" in outputs["run.log"] and outputs["stdout"].count("sending") >= 2, (
        "and logged as they came"
    )
    contracts = json.loads(outputs["report.json"])["contracts"]
    failure = next(c for c in contracts if c["id"] == "auth.basic_token.verified")["reproduction"]
    assert MASK in failure, "the failure text is in the report, masked"
    for secret in (TOKEN, OAUTH, basic_credentials(EMAIL, TOKEN), "CANARY"):
        leaked = [name for name, text in outputs.items() if secret in text]
        assert not leaked, f"the secret {secret!r} appears in {leaked}"


#: One failing contract (the quirk answers 200 where S1 promises 202), against a served emulator.
FAILING_CONTRACT = "ingestion.track_profile.accepted"


@pytest.fixture
def short_and_long_served(request: pytest.FixtureRequest) -> Iterator[tuple[str, ServedEmulator]]:
    token = request.param
    emulator = Emulator(email=EMAIL, token=token, quirks=["track_returns_200"])
    with emulator.serve() as running:
        yield token, running
    emulator.close()


@pytest.mark.parametrize("short_and_long_served", ["t", "Tok40-" + "a1B2c3D4e5" * 3 + "f6G7"], indirect=True)
def test_a_failing_run_stays_readable_with_a_short_or_long_token(
    pytester: pytest.Pytester, short_and_long_served: tuple[str, ServedEmulator]
) -> None:
    token, served = short_and_long_served
    result = pytester.runpytest_subprocess(
        "-p",
        "no:cacheprovider",
        "--rootdir",
        str(contracts_dir().parent),
        str(contracts_dir() / "test_ingestion_tracking.py"),
        f"--zd-url={served.url}",
        f"--zd-email={EMAIL}",
        f"--zd-token={token}",
        f"--zd-contract={FAILING_CONTRACT}",
        "--zd-report=report.json",
        "--zd-html=matrix.html",
    )
    assert result.ret == 1, "the quirk fails the contract"
    text = result.stdout.str() + result.stderr.str()
    written = {name: (pytester.path / name).read_text() for name in ("report.json", "matrix.html")}
    written["matrix.html"] = html.unescape(written["matrix.html"])
    for name, output in {"output": text, **written}.items():
        # Words as a reader sees them: "can't" is one, "'t'" and "t." are "t".
        words = {word.strip("'.") for word in re.split(r"[^\w\-.~+/']+", output)}
        assert token not in words, f"the token appears as a word in the {name}"
    assert "E               AssertionError: Tracking an event must be answered 202 (S1)" in text
    assert "def test_track_against_a_profile_answers_202(zd: Kit) -> None:" in text, "source lines intact"
    reproduction = next(
        c for c in json.loads(written["report.json"])["contracts"] if c["id"] == FAILING_CONTRACT
    )["reproduction"]
    assert "AssertionError: Tracking an event must be answered 202 (S1)" in reproduction
    assert MASK not in reproduction, "nothing in this failure is a secret"
    assert "AssertionError: Tracking an event must be answered 202 (S1)" in written["matrix.html"]
    warning = "zdevents: WARNING: the --zd-token is "
    if len(token) < MIN_FREE_TEXT:
        assert f"{warning}1 character long, too short to mask in free text" in text
    else:
        assert warning not in text, "a long token needs no warning"
        assert not [name for name, output in written.items() if token in output] and token not in text
