"""/explore — the analyst explorer (``page.py``: layout and callbacks; ``results.py``: what it shows;
``figure.py``: its chart)."""

from pages.explore.page import PAGE

__all__ = ["PAGE"]
