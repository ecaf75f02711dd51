"""Compose parameterised queries with SQLAlchemy Core and compile them for DuckDB.

Query builders in ``warehouse/queries/`` return SQLAlchemy selectables; nothing here builds
SQL from user text. ``compile_query`` turns a selectable into DuckDB SQL with ``$n``
parameters plus the parameter list, ready for ``con.execute(sql, params)``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

_DIALECT = postgresql.dialect(paramstyle="numeric_dollar")


def compile_query(stmt: sa.sql.Executable) -> tuple[str, list[object]]:
    """DuckDB SQL text and positional parameters of a SQLAlchemy Core statement."""
    compiled = stmt.compile(dialect=_DIALECT, compile_kwargs={"render_postcompile": True})
    params = compiled.params
    return str(compiled), [params[name] for name in (compiled.positiontup or ())]


def view(name: str, *columns: str) -> sa.TableClause:
    """A lightweight handle on a warehouse table or mart view for composing queries."""
    return sa.table(name, *(sa.column(c) for c in columns))


@dataclass(frozen=True)
class Filters:
    """The dashboard's shared filters: an inclusive date range, a set of town codes and, drilled into one
    town, one of its communities (every query of a page that drills to communities applies it)."""

    start: dt.date | None = None
    end: dt.date | None = None  # inclusive
    towns: tuple[str, ...] = field(default=())  # NBS town codes; empty means the whole district
    community: str | None = None  # a community (社区/村居) of the one town in ``towns``; None: all of them

    def span(self, start: dt.date | None, end: dt.date | None) -> Filters:
        """The same place over another range."""
        return replace(self, start=start, end=end)

    def date_clause(self, column: sa.ColumnElement) -> sa.ColumnElement[bool]:
        """``column`` within the range (timestamps compare by date)."""
        clauses: list[sa.ColumnElement[bool]] = []
        if self.start is not None:
            clauses.append(column >= self.start)
        if self.end is not None:
            clauses.append(column < self.end + dt.timedelta(days=1))
        return sa.and_(sa.true(), *clauses)

    def town_clause(self, column: sa.ColumnElement) -> sa.ColumnElement[bool]:
        return column.in_(self.towns) if self.towns else sa.true()

    def community_clause(self, column: sa.ColumnElement) -> sa.ColumnElement[bool]:
        return column == self.community if self.community is not None else sa.true()
