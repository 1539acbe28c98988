"""A faithful, stateful emulator of the Zendesk Events and Profiles APIs.

Use it in-process (``Emulator().client()``), on a loopback port from a thread
(``Emulator().serve()``), or as the ``zdevents-emulator`` command. ``docs/emulator.md`` lists what
it does, the choices it makes where the docs are silent, and its quirks and variations.
"""

from __future__ import annotations

from .runtime import Emulator, ServedEmulator
from .settings import EmulatorSettings
from .switches import QUIRKS, VARIATIONS

__all__ = ["QUIRKS", "VARIATIONS", "Emulator", "EmulatorSettings", "ServedEmulator"]
