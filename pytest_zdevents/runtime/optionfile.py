"""YAML files that options name (``--zd-capabilities``, ``--zd-deviations``): reading one, and
the usage error that names the option and the file, says what to fix and where to read more."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml


@dataclass(frozen=True)
class OptionFile:
    """The file ``path`` given to ``flag``; ``readme`` is the README section that describes it."""

    flag: str
    path: Path
    readme: str

    def problem(self, text: str) -> pytest.UsageError:
        return pytest.UsageError(f"{self.flag} {self.path}: {text} See '{self.readme}' in the README.")

    def load(self) -> Any:
        """The parsed YAML; a usage error when the file cannot be read or parsed."""
        try:
            return yaml.safe_load(self.path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise self.problem(f"cannot be read ({exc.strerror}).") from None
        except yaml.YAMLError as exc:
            raise self.problem(f"is not valid YAML ({exc}).") from None
