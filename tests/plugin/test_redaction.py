"""No secret in anything a run writes: the redaction rules, and a failing test that puts the
target's credentials in its message, its locals, its output and its logs."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from pytest_zdevents.credentials import MASK, basic_credentials
from pytest_zdevents.emulator import Emulator
from pytest_zdevents.runtime.redaction import redact

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
    ],
)
def test_redact_masks_secrets_and_authorization_values(text: str, expected: str) -> None:
    assert redact(text, ["TOKEN"]) == expected


def test_empty_and_missing_secrets_mask_nothing() -> None:
    assert redact("x=one&y=two", ["one", None, "", "two"]) == f"x={MASK}&y={MASK}"
    assert redact("nothing secret", [None, ""]) == "nothing secret"


def test_a_secret_containing_another_is_masked_whole() -> None:
    assert redact("abc abcdef", ["abc", "abcdef"]) == f"{MASK} {MASK}"


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
        "--zd-report=report.json",
        "--zd-html=matrix.html",
        "--junitxml=junit.xml",
    )
    assert result.ret == 1, "the test fails, so its report goes everywhere"
    outputs = {
        "stdout": result.stdout.str(),
        "stderr": result.stderr.str(),
        **{name: (pytester.path / name).read_text() for name in ("report.json", "matrix.html", "junit.xml")},
    }
    assert "test_leaks" in outputs["stdout"] and "sending" in outputs["junit.xml"], "the leaks were reported"
    contracts = json.loads(outputs["report.json"])["contracts"]
    failure = next(c for c in contracts if c["id"] == "auth.basic_token.verified")["reproduction"]
    assert MASK in failure, "the failure text is in the report, masked"
    for secret in (TOKEN, OAUTH, basic_credentials(EMAIL, TOKEN), "CANARY"):
        leaked = [name for name, text in outputs.items() if secret in text]
        assert not leaked, f"the secret {secret!r} appears in {leaked}"
