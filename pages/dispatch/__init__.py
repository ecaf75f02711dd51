"""/dispatch, the weekly dispatch meeting: ``page`` (layout and callbacks), ``parts`` (its blocks)."""

from pages.dispatch.page import PAGE

__all__ = ["PAGE"]
