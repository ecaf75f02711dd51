"""The bureau's export formats: one ``SourceSpec`` per export, read from ``etl/specs/*.yaml``.

Each spec names its fact table, its columns (canonical name, the header real exports use,
header aliases, whether required, and how values are parsed), its key, how a later export of
the same key wins the merge, and the variants real platforms write (recognised by their
headers, with the values a variant implies). A new variant of an export is a change to its
YAML file and a fixture, not new code. Sources are detected from headers, never file names.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import functools
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml

from etl.text import header_key

Kind = Literal[
    "text",  # trimmed text, full-width punctuation kept as written
    "id",  # identifier kept as a string (case numbers get one bracket style)
    "ts",  # timestamp
    "date",  # date
    "int",  # whole number
    "num",  # decimal number (with 万 / % handling and a unit scale)
    "bool",  # 是/否
    "town",  # town or sub-district, resolved to its NBS code through the alias table
    "unit",  # a unit of Weihai ranked by the city, resolved through the alias table
    "dept",  # department: kept as text, plus a flag for the bureau itself
    "category",  # digital urban management minor category, resolved through the alias table
    "channel",  # dcm problem source, resolved through the alias table
    "stage",  # case stage: workflow node names resolved through the stage vocabulary
    "label",  # a vocabulary label, a numbering prefix such as "1." removed
    "party_code",  # a credit code (USCC) or ID number, kept as text; masked numbers accepted
]
KINDS: frozenset[str] = frozenset(Kind.__args__)  # type: ignore[attr-defined]
TITLE_FACTS = ("as_of", "period", "item")


@cache
def _header_keys(header: str, aliases: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(header_key(h) for h in (header, *aliases))


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False  # the header must be present (or the value come from elsewhere, see below)
    kind: Kind = "text"
    unit: Literal["yuan", "m2"] | None = None  # for num: which title-row unit applies
    values: dict[str, str] = field(default_factory=dict)  # accepted-value aliases → canonical
    from_title: Literal["as_of", "period", "item"] | None = None  # may be given by the title block instead
    town_of: bool = False  # also resolve the text to a town_code column (NULL for other units)
    nullable: bool = False  # a required header whose cells may be empty or 无数据 (read as missing)
    fallback: tuple[str, ...] = ()  # columns whose values fill in where this one has none
    derive: str | None = None  # when absent: found in another column's text (a town, a date)
    compose: tuple[str, ...] = ()  # when absent: the text of these columns joined (a key for hand-kept ledgers)
    label_en: str = ""

    def header_keys(self) -> tuple[str, ...]:
        return _header_keys(self.header, self.aliases)


@dataclass(frozen=True)
class Variant:
    """A layout of a source that a real platform writes, recognised by headers only it has."""

    name: str
    label: str
    label_en: str = ""
    signature: tuple[str, ...] = ()  # every one of these headers is present
    defaults: dict[str, str] = field(default_factory=dict)  # column → value, where the export has no such column
    reference: str = ""  # the public source of the variant's headers

    @functools.cached_property
    def signature_keys(self) -> tuple[str, ...]:
        return tuple(header_key(h) for h in self.signature)


@dataclass(frozen=True)
class SourceSpec:
    name: str
    label: str
    table: str
    columns: tuple[ColumnSpec, ...]
    key: tuple[str, ...]
    version: tuple[str, ...] = ()  # columns whose greatest value orders versions of a key
    status: str | None = None  # column whose progression breaks version ties
    status_rank: dict[str, int] = field(default_factory=dict)
    label_en: str = ""
    variants: tuple[Variant, ...] = ()
    exclude: tuple[str, ...] = ()  # headers that rule this source out (a 12345 export is never a permit list)

    @functools.cached_property
    def required(self) -> tuple[ColumnSpec, ...]:
        return tuple(c for c in self.columns if c.required)

    @functools.cached_property
    def exclude_keys(self) -> frozenset[str]:
        return frozenset(header_key(h) for h in self.exclude)

    def column(self, name: str) -> ColumnSpec:
        return next(c for c in self.columns if c.name == name)

    def variant_for(self, present: set[str]) -> Variant | None:
        """The first variant whose signature headers are all among ``present`` (header keys)."""
        return next((v for v in self.variants if all(k in present for k in v.signature_keys)), None)


# --- loading the YAML ----------------------------------------------------------------------


def _strs(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)  # type: ignore[union-attr]


def _column(raw: dict, groups: dict[str, tuple[str, ...]], source: str) -> ColumnSpec:
    unknown = set(raw) - {f.name for f in ColumnSpec.__dataclass_fields__.values()}
    if unknown:
        raise ValueError(f"{source}: column {raw.get('name')!r} has unknown keys {sorted(unknown)}")
    aliases: list[str] = []
    for alias in _strs(raw.get("aliases")):
        aliases.extend(groups[alias[1:]] if alias.startswith("@") else (alias,))  # @group: a shared alias set
    kind = raw.get("kind", "text")
    if kind not in KINDS:
        raise ValueError(f"{source}: column {raw['name']!r} has unknown kind {kind!r}")
    return ColumnSpec(
        name=raw["name"], header=str(raw["header"]), aliases=tuple(dict.fromkeys(aliases)),
        required=bool(raw.get("required", False)), kind=kind, unit=raw.get("unit"),
        values={str(k): str(v) for k, v in (raw.get("values") or {}).items()},
        from_title=raw.get("from_title"), town_of=bool(raw.get("town_of", False)),
        nullable=bool(raw.get("nullable", False)), fallback=_strs(raw.get("fallback")),
        derive=raw.get("derive"), compose=_strs(raw.get("compose")), label_en=str(raw.get("label_en", "")),
    )


def _variant(raw: dict) -> Variant:
    return Variant(
        name=raw["name"], label=raw["label"], label_en=raw.get("label_en", ""),
        signature=_strs(raw.get("signature")),
        defaults={str(k): str(v) for k, v in (raw.get("defaults") or {}).items()},
        reference=str(raw.get("reference", "")).strip(),
    )


def parse_spec(raw: dict, groups: dict[str, tuple[str, ...]]) -> SourceSpec:
    """A ``SourceSpec`` from one parsed YAML document (checked: names, kinds, references)."""
    name = raw["name"]
    columns = tuple(_column(c, groups, name) for c in raw["columns"])
    spec = SourceSpec(
        name=name, label=raw["label"], table=raw["table"], columns=columns, key=_strs(raw["key"]),
        version=_strs(raw.get("version")), status=raw.get("status"),
        status_rank={str(k): int(v) for k, v in (raw.get("status_rank") or {}).items()},
        label_en=raw.get("label_en", ""), variants=tuple(_variant(v) for v in raw.get("variants") or ()),
        exclude=_strs(raw.get("exclude")),
    )
    names = {c.name for c in columns}
    refs = [*spec.key, *spec.version, *([spec.status] if spec.status else [])]
    refs += [r for c in columns for r in (*c.fallback, *c.compose, *([c.derive] if c.derive else []))]
    refs += [d for v in spec.variants for d in v.defaults]
    if missing := sorted(set(refs) - names):
        raise ValueError(f"{name}: refers to unknown columns {missing}")
    return spec


def load_specs() -> tuple[SourceSpec, ...]:
    """Every source, in file-name order, from the YAML files shipped in ``etl/specs``."""
    folder = resources.files("etl.specs")
    entries = sorted((e for e in folder.iterdir() if e.name.endswith(".yaml")), key=lambda e: e.name)
    groups: dict[str, tuple[str, ...]] = {}
    docs = []
    for entry in entries:
        doc = yaml.safe_load(entry.read_text(encoding="utf-8"))
        if entry.name.startswith("_"):  # shared alias groups
            groups.update({k: _strs(v) for k, v in (doc.get("alias_groups") or {}).items()})
        else:
            docs.append(doc)
    return tuple(parse_spec(doc, groups) for doc in docs)


SOURCES: tuple[SourceSpec, ...] = load_specs()
SOURCES_BY_NAME: dict[str, SourceSpec] = {s.name: s for s in SOURCES}


# --- user mappings: variants saved by a clerk on the data desk, as data beside the warehouse ------------

MAPPINGS_SUFFIX = ".mappings.yaml"
_mappings: contextvars.ContextVar[Path | None] = contextvars.ContextVar("kpi_mappings", default=None)


def mappings_file(warehouse: str | os.PathLike[str]) -> Path:
    """The user-mapping overlay of a warehouse: ``<warehouse>.mappings.yaml`` beside it."""
    path = Path(warehouse)
    return path.with_name(path.name + MAPPINGS_SUFFIX)


@contextlib.contextmanager
def using_mappings(path: Path | None) -> Iterator[None]:
    """Detect with the overlay at ``path`` inside the block (a load uses its warehouse's overlay)."""
    token = _mappings.set(path)
    try:
        yield
    finally:
        _mappings.reset(token)


def _default_mappings() -> Path:
    from warehouse.store import warehouse_path  # the warehouse the command line would use

    return mappings_file(warehouse_path())


def read_mappings(path: Path) -> list[dict]:
    """The mappings saved in an overlay file (none when it is absent)."""
    if not path.is_file():
        return []
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [m for m in doc.get("mappings") or () if isinstance(m, dict)]


def apply_mappings(specs: tuple[SourceSpec, ...], mappings: list[dict]) -> tuple[SourceSpec, ...]:
    """The specs with each mapping applied exactly as a variant in ``etl/specs/*.yaml`` would be: the file's
    headers become aliases of their fields, and a variant whose signature is those headers names the layout.
    A mapping naming an unknown source or field is ignored (the desk checks them when they are saved)."""
    by_name = {s.name: s for s in specs}
    for m in mappings:
        spec = by_name.get(str(m.get("source")))
        columns = {str(k): str(v) for k, v in (m.get("columns") or {}).items() if v}
        defaults = {str(k): str(v) for k, v in (m.get("defaults") or {}).items()}
        names = {c.name for c in spec.columns} if spec else set()
        if spec is None or not columns or not set(columns) <= names or not set(defaults) <= names:
            continue
        cols = tuple(dataclasses.replace(c, aliases=(*c.aliases, columns[c.name])) if c.name in columns else c
                     for c in spec.columns)
        variant = Variant(name=str(m.get("name")), label=str(m.get("label") or m.get("name")),
                          label_en=str(m.get("label_en") or m.get("label") or m.get("name")),
                          signature=tuple(columns.values()), defaults=defaults,
                          reference=f"user mapping by {m.get('created_by', '?')} at {m.get('created_at', '?')}")
        # the user's variant comes first: its signature is the file's own headers
        by_name[spec.name] = dataclasses.replace(spec, columns=cols, variants=(variant, *spec.variants))
    return tuple(by_name[s.name] for s in specs)


@functools.lru_cache(maxsize=8)
def _overlaid(path: str, stamp: tuple[int, int]) -> tuple[SourceSpec, ...]:
    return apply_mappings(SOURCES, read_mappings(Path(path)))


def active_sources() -> tuple[SourceSpec, ...]:
    """Every source as detection sees it: the shipped specs plus the user mappings of the active overlay
    (``using_mappings``; by default the overlay beside the command line's warehouse). The one way in."""
    path = _mappings.get() or _default_mappings()
    try:
        info = path.stat()
    except OSError:
        return SOURCES
    return _overlaid(str(path), (info.st_mtime_ns, info.st_size))
