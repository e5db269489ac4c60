"""Imported once by the forkserver that ``clean -j N`` / ``--timeout`` forks its workers from.

It builds the default Cleaner, ``WARM``; workers with the default
configuration are forked from this server and inherit it instead of
building their own.  When the run has a time budget (the parent sets
``CLEANER_PRELOAD=all`` while it starts the server) it also compiles the
rules of every language up front -- a few seconds once -- so that a worker,
or the replacement of one killed for a timeout, never spends a document's
budget compiling (lazily, each language costs a fraction of a second the
first time a process meets it).
"""

from __future__ import annotations

import os

from .batch import PRELOAD_ENV
from .core import Cleaner

WARM: Cleaner | None = None
WARM_ALL = False  # every language of WARM compiled


def warm_up(cleaner: Cleaner, languages: list[str | None] | None = None) -> None:
    """Compile `cleaner`'s rules for `languages` (default: all it has, and none)."""
    if languages is None:
        languages = sorted({p.language for p in cleaner.packs if p.language}) + [None]
    for language in languages:
        # Cleaning one space compiles the language's rules and does little else.
        cleaner.clean(" ", language=language) if language else cleaner.clean(" ")


try:
    WARM = Cleaner()
    if os.environ.get(PRELOAD_ENV) == "all":
        warm_up(WARM)
        WARM_ALL = True
except Exception:  # noqa: BLE001 -- only a warm-up: a worker that needs the rules reports any problem itself
    WARM = None
