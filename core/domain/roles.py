"""Role packs: one YAML file per interview role, validated on load with errors naming the file and field."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

ROLE_ID_PATTERN = r"[a-z0-9][a-z0-9-]*"
MAX_PACK_BYTES = 1024 * 1024  # the largest bundled pack is ~32 KB; past this a file is not a pack
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's C loader is ~10x faster


class RolePackError(Exception):
    """A role pack file is missing, unreadable or invalid; the message names the file and the field."""


class UnknownRole(Exception):
    """No role pack matches the name the user gave."""

    def __init__(self, name: str, valid: list[str]) -> None:
        self.name = name
        self.valid = valid
        super().__init__(f"Unknown role {name!r}. Valid roles: {', '.join(valid)}.")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class KeyPoint(_Strict):
    """Something a strong answer covers, with the words a candidate would use to cover it."""

    point: str = Field(min_length=3, max_length=120)
    terms: tuple[str, ...] = Field(min_length=1)

    @field_validator("terms")
    @classmethod
    def _terms_not_blank(cls, terms: tuple[str, ...]) -> tuple[str, ...]:
        cleaned = tuple(t.strip().lower() for t in terms)
        if any(not t for t in cleaned):
            raise ValueError("terms must not be blank")
        return cleaned


class Question(_Strict):
    """A main question of a role pack."""

    id: str = Field(pattern=ROLE_ID_PATTERN)
    topic: str = Field(min_length=1)
    text: str = Field(min_length=10)
    key_points: tuple[KeyPoint, ...] = Field(min_length=1)
    hint: str = Field(min_length=5)
    follow_ups: tuple[str, ...] = Field(min_length=1, max_length=3)


class RolePack(_Strict):
    """One interview role: who the interviewer is, the question bank and the domain glossary."""

    id: str = Field(pattern=ROLE_ID_PATTERN)
    title: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()
    description: str = Field(min_length=10)
    persona: str = Field(min_length=10)
    questions: tuple[Question, ...] = Field(min_length=1)
    glossary: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _unique_question_ids(self) -> RolePack:
        seen: set[str] = set()
        for q in self.questions:
            if q.id in seen:
                raise ValueError(f"duplicate question id {q.id!r}")
            seen.add(q.id)
        return self


def _describe_validation_error(source: str, exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in first["loc"]).lstrip(".")
    return f"{source}: {where or 'file'}: {first['msg']}"


class _AliasFound(yaml.constructor.ConstructorError):
    """A YAML alias (*name) in a pack."""


class _PackLoader(_YAML_LOADER):  # type: ignore[misc,valid-type]
    """The safe loader, refusing aliases: packs have no need of them, and a few kilobytes of nested aliases
    (a "billion laughs") expand into millions of values for the validator to walk."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> object:
        """The node's value; a node met a second time was reached through an alias (or a merge of one)."""
        if node in self.constructed_objects or node in self.recursive_objects:
            raise _AliasFound(None, None, "alias", node.start_mark)
        return super().construct_object(node, deep)


def decode_pack(raw: bytes, *, source: str) -> str:
    """The text of a pack file's bytes; RolePackError naming the file when it is too large or not UTF-8."""
    if len(raw) > MAX_PACK_BYTES:
        raise RolePackError(
            f"{source}: the file is larger than {MAX_PACK_BYTES / 2**20:g} MB, too large for a role pack"
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise RolePackError(
            f"{source}: not UTF-8 text (byte 0x{raw[exc.start]:02x} on line {line}); save the file as UTF-8"
        ) from exc


def parse_role_pack(text: str, *, source: str, expected_id: str | None = None) -> RolePack:
    """Parse and validate one pack; raise RolePackError naming source and the offending field."""
    try:
        data: object = yaml.load(text, Loader=_PackLoader)
    except _AliasFound as exc:
        where = f" at line {exc.problem_mark.line + 1}" if exc.problem_mark else ""
        raise RolePackError(
            f"{source}: YAML anchors and aliases (&name, *name) are not allowed in a role pack{where}; "
            "write each value out"
        ) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise RolePackError(f"{source}: not valid YAML{where}: {getattr(exc, 'problem', None) or exc}") from exc
    if not isinstance(data, dict):
        raise RolePackError(f"{source}: expected a mapping with id, title, questions, ...")
    try:
        pack = RolePack.model_validate(data)
    except ValidationError as exc:
        raise RolePackError(_describe_validation_error(source, exc)) from exc
    if expected_id is not None and pack.id != expected_id:
        raise RolePackError(f"{source}: id: {pack.id!r} must match the file name {expected_id!r}")
    return pack


def _normalise(name: str) -> str:
    return re.sub(r"[\s_]+", "-", name.strip().lower())


@dataclass(frozen=True)
class RoleCatalog:
    """All loaded role packs, looked up by id, alias or title."""

    packs: dict[str, RolePack]

    @property
    def ids(self) -> list[str]:
        """Role ids in display order."""
        return list(self.packs)

    @property
    def titles(self) -> dict[str, str]:
        """Role id -> title, in display order: what listings, progress and charts name roles by."""
        return {rid: pack.title for rid, pack in self.packs.items()}

    def get(self, role_id: str) -> RolePack:
        """The pack with exactly this id."""
        return self.packs[role_id]

    def resolve(self, name: str) -> RolePack:
        """The pack named by id, alias or title (case-insensitive); raise UnknownRole otherwise."""
        wanted = _normalise(name)
        for pack in self.packs.values():
            names = {pack.id, _normalise(pack.title), *(_normalise(a) for a in pack.aliases)}
            if wanted in names:
                return pack
        raise UnknownRole(name, self.ids)


# The order roles are listed in: the original product's six, then the additions.
ROLE_ORDER = (
    "data-science",
    "digital-marketing",
    "full-stack",
    "product-management",
    "human-resources",
    "law",
    "software-engineering",
    "behavioral",
)


def _bundled_sources() -> list[tuple[str, str, str]]:
    folder = resources.files("prompts").joinpath("roles")
    sources = [(f"prompts/roles/{entry.name}", entry) for entry in folder.iterdir() if entry.name.endswith(".yaml")]
    return [
        (source, entry.name.removesuffix(".yaml"), decode_pack(entry.read_bytes(), source=source))
        for source, entry in sources
    ]


def _folder_sources(folder: Path) -> list[tuple[str, str, str]]:
    if not folder.is_dir():
        raise RolePackError(f"{folder}: role pack folder does not exist")
    return [(str(path), path.stem, _read_pack(path)) for path in sorted(folder.glob("*.yaml"))]


def _read_pack(path: Path) -> str:
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_PACK_BYTES + 1)  # enough to tell it is too large, without reading all of it
    except OSError as exc:
        raise RolePackError(f"{path}: cannot read the file ({exc.strerror or type(exc).__name__})") from exc
    return decode_pack(raw, source=str(path))


def load_catalog(extra_dir: Path | None = None) -> RoleCatalog:
    """Load the bundled packs, plus (overriding by id) the packs in extra_dir; raise RolePackError if any is bad."""
    sources = _bundled_sources() + (_folder_sources(extra_dir) if extra_dir else [])
    packs: dict[str, RolePack] = {}
    for source, stem, text in sources:
        pack = parse_role_pack(text, source=source, expected_id=stem)
        packs[pack.id] = pack
    if not packs:
        raise RolePackError("no role packs found")
    _check_aliases(packs)
    ordered = {rid: packs[rid] for rid in ROLE_ORDER if rid in packs}
    ordered.update({rid: pack for rid, pack in sorted(packs.items()) if rid not in ordered})
    return RoleCatalog(ordered)


def _check_aliases(packs: dict[str, RolePack]) -> None:
    owner: dict[str, str] = {}
    for pack in packs.values():
        for name in {pack.id, *(_normalise(a) for a in pack.aliases)}:
            if owner.setdefault(name, pack.id) != pack.id:
                raise RolePackError(f"role {pack.id!r}: alias {name!r} is already used by {owner[name]!r}")
