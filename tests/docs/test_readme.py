"""The docs match the code: the README's worked example passes, the example files load, and every
option the docs name exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from pytest_zdevents.conformance import SPEC_VIEW
from pytest_zdevents.runtime.capabilities import load_capabilities
from pytest_zdevents.runtime.config import OPTIONS
from pytest_zdevents.runtime.deviations import load_deviations
from pytest_zdevents.spec.listing import LIST_FLAG

pytest_plugins = ["pytester"]

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.mark.slow
def test_the_worked_example_passes(pytester: pytest.Pytester) -> None:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    (example,) = [block for block in blocks if "def test_signup_is_tracked(zd_emulator)" in block]
    pytester.makepyfile(test_readme_example=example)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


ROOT = README.parents[0]


def test_the_example_files_load() -> None:
    capabilities = load_capabilities(ROOT / "docs/examples/capabilities.yaml")
    assert capabilities.declared and capabilities.read_only_data, "the example declares and names data"
    assert load_deviations(ROOT / "docs/examples/deviations.yaml").entries
    workflow = yaml.safe_load((ROOT / "docs/examples/conformance.yml").read_text())
    run = workflow["jobs"]["conformance"]["steps"][4]["run"]
    assert run.split()[0] == "zdevents-conformance"
    assert set(re.findall(r"--zd-[a-z-]+", run)) <= FLAGS, "the workflow uses only real options"


FLAGS = {option.flag for option in OPTIONS}
#: Flags that print and run nothing, and so are no setting of a run.
COMMAND_FLAGS = {SPEC_VIEW, LIST_FLAG}


@pytest.mark.parametrize("doc", ["README.md", "docs/suite.md", "docs/emulator.md"])
def test_the_docs_name_only_real_options(doc: str) -> None:
    named = set(re.findall(r"--zd-[a-z][a-z-]*[a-z]", (ROOT / doc).read_text()))
    known = FLAGS | COMMAND_FLAGS
    assert named <= known, f"{doc} names options that do not exist: {sorted(named - known)}"


def test_the_options_table_lists_every_option() -> None:
    rows = set(re.findall(r"^\| `(--zd-[a-z-]+)` \|", (ROOT / "docs/suite.md").read_text(), re.M))
    assert rows == FLAGS, f"docs/suite.md's table and the options differ: {sorted(rows ^ FLAGS)}"
