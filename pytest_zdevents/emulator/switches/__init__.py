"""Named switches that change how the emulator behaves.

*Quirks* are deliberate misbehaviours of the kind real implementations ship. Each breaks one
promise of the docs, so that the conformance suite can be shown to catch it: a contract that
passes with its quirk switched on has no teeth.

*Variations* are legal choices where the docs are silent. A conforming server may make them, so
the conformance suite must pass with any of them switched on.

Both are enumerations, so that code names a switch by member (``Quirk.PAGE_SKIPS_ITEM``) and a
misspelt one is an AttributeError, not a switch that is silently never on. Their string values
are the names of the command line, the control plane and ``contracts/catalogue.yaml``.
"""

from __future__ import annotations

from typing import Protocol

from .quirks import Quirk
from .variations import Variation

__all__ = ["ALL_OFF", "QUIRKS", "VARIATIONS", "Quirk", "Switches", "Variation", "unknown_names"]


#: Name -> description, for ``--list-quirks``, the control plane and validation of names.
QUIRKS: dict[str, str] = {quirk.value: quirk.description for quirk in Quirk}
VARIATIONS: dict[str, str] = {variation.value: variation.description for variation in Variation}


class Switches(Protocol):
    """Whatever says which switches are on: the settings, or :data:`ALL_OFF`."""

    def on(self, switch: Quirk | Variation) -> bool: ...


class _AllOff:
    def on(self, switch: Quirk | Variation) -> bool:
        return False


#: No switch on: how the control plane's import reads records, whatever the settings.
ALL_OFF: Switches = _AllOff()


def unknown_names(names: list[str] | tuple[str, ...] | frozenset[str], known: dict[str, str]) -> list[str]:
    """The names in ``names`` that ``known`` does not list, sorted."""
    return sorted(set(names) - known.keys())
