"""The county's plan as data (places, industries, targets), loaded from a TOML file.

A county is configuration, not code: everything here is read from `COUNTY_FILE`, checked
once at start-up, and then looked up by the rest of the app.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from server.core.config import SettingsError

PLACE_KINDS = {
    "town": "镇",
    "township": "乡",
    "farm": "农场",
    "forest_farm": "林场",
    "forestry_bureau": "林业局",
    "zone": "开发区",
}
INDUSTRY_GROUPS = {"key": "重点产业", "featured": "特色产业"}
MEASURES = {
    "revenue_sum",
    "output_value_sum",
    "output_quantity_sum",
    "enterprise_count",
    "certificate_count",
    "certified_enterprise_count",
    "traceability_rate",
    "milk_quality_rate",
    "manual",
}


@dataclass(frozen=True)
class Place:
    name: str
    kind: str
    aliases: tuple[str, ...] = ()

    @property
    def kind_label(self) -> str:
        return PLACE_KINDS[self.kind]


@dataclass(frozen=True)
class Industry:
    code: str
    name: str
    group: str
    output_unit: str
    milk_quality: bool = False

    @property
    def group_label(self) -> str:
        return INDUSTRY_GROUPS[self.group]


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    target: Decimal
    unit: str
    measure: str
    scale: Decimal = Decimal(1)
    industry: str | None = None
    year: int | None = None
    base_year: int | None = None
    base_value: Decimal | None = None
    growth: Decimal | None = None
    annual_growth: Decimal | None = None
    plan_ref: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def base_figure(self) -> Decimal | None:
        """The base-year figure: given, or derived from the plan's growth rate."""
        if self.base_value is not None:
            return self.base_value
        if self.growth is not None:
            return (self.target / (1 + self.growth)).quantize(Decimal("0.01"))
        return None


@dataclass(frozen=True)
class MilkStandard:
    protein_pct_min: Decimal
    fat_pct_min: Decimal
    bacteria_per_ml_max: int
    somatic_cells_per_ml_max: int


@dataclass(frozen=True)
class County:
    code: str
    name: str
    province: str
    plan_title: str
    plan_document: str
    plan_start_year: int
    plan_end_year: int
    base_year: int
    places: tuple[Place, ...]
    industries: tuple[Industry, ...]
    targets: tuple[Target, ...]
    milk_standard: MilkStandard

    def place(self, name_or_alias: str) -> Place | None:
        """The place with this name or alias, or None."""
        value = (name_or_alias or "").strip()
        for place in self.places:
            if value == place.name or value in place.aliases:
                return place
        return None

    def industry(self, code_or_name: str) -> Industry | None:
        """The industry with this code (e.g. `soybean`) or Chinese name (大豆), or None."""
        value = (code_or_name or "").strip()
        for industry in self.industries:
            if value in (industry.code, industry.name):
                return industry
        return None

    def target(self, key: str) -> Target | None:
        return next((t for t in self.targets if t.key == key), None)

    @property
    def place_names(self) -> list[str]:
        return [p.name for p in self.places]

    @property
    def industry_codes(self) -> list[str]:
        return [i.code for i in self.industries]


_TARGET_FIELDS = {
    "key", "label", "target", "unit", "measure", "scale", "industry", "year", "base_year",
    "base_value", "growth", "annual_growth", "plan_ref",
}


def _decimal(where: str, raw: Any) -> Decimal:
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        raise SettingsError(f"COUNTY_FILE: {where} must be a number, got {raw!r}") from None
    if not value.is_finite():
        raise SettingsError(f"COUNTY_FILE: {where} must be a finite number")
    return value


def _optional_decimal(where: str, raw: Any) -> Decimal | None:
    return None if raw is None else _decimal(where, raw)


def parse_county(data: dict[str, Any]) -> County:
    """Check and convert the parsed TOML; errors name the offending entry."""
    try:
        head = data["county"]
        places = tuple(
            Place(p["name"], p["kind"], tuple(p.get("aliases", ()))) for p in data["places"]
        )
        industries = tuple(
            Industry(i["code"], i["name"], i["group"], i["output_unit"],
                     bool(i.get("milk_quality", False)))
            for i in data["industries"]
        )
        raw_targets = data["targets"]
        ms = data["milk_standard"]
    except (KeyError, TypeError) as exc:
        raise SettingsError(f"COUNTY_FILE: missing entry {exc}") from None

    for place in places:
        if place.kind not in PLACE_KINDS:
            raise SettingsError(f"COUNTY_FILE: place {place.name} has unknown kind {place.kind}")
    names = [n for p in places for n in (p.name, *p.aliases)]
    if len(names) != len(set(names)):
        raise SettingsError("COUNTY_FILE: place names and aliases must be unique")
    codes = [i.code for i in industries] + [i.name for i in industries]
    if len(codes) != len(set(codes)):
        raise SettingsError("COUNTY_FILE: industry codes and names must be unique")
    for industry in industries:
        if industry.group not in INDUSTRY_GROUPS:
            raise SettingsError(f"COUNTY_FILE: industry {industry.code} has unknown group")

    targets = []
    for raw in raw_targets:
        key = raw.get("key", "?")
        if raw.get("measure") not in MEASURES:
            raise SettingsError(f"COUNTY_FILE: target {key} has unknown measure")
        if raw.get("industry") and raw["industry"] not in {i.code for i in industries}:
            raise SettingsError(f"COUNTY_FILE: target {key} names unknown industry")
        try:
            targets.append(
                Target(
                    key=raw["key"],
                    label=raw["label"],
                    target=_decimal(f"target {key}", raw["target"]),
                    unit=raw["unit"],
                    measure=raw["measure"],
                    scale=_decimal(f"target {key} scale", raw.get("scale", 1)),
                    industry=raw.get("industry"),
                    year=raw.get("year"),
                    base_year=raw.get("base_year"),
                    base_value=_optional_decimal(f"target {key} base_value", raw.get("base_value")),
                    growth=_optional_decimal(f"target {key} growth", raw.get("growth")),
                    annual_growth=_optional_decimal(
                        f"target {key} annual_growth", raw.get("annual_growth")
                    ),
                    plan_ref=raw.get("plan_ref", ""),
                    params={k: v for k, v in raw.items() if k not in _TARGET_FIELDS},
                )
            )
        except KeyError as exc:
            raise SettingsError(f"COUNTY_FILE: target {key} lacks {exc}") from None
    keys = [t.key for t in targets]
    if len(keys) != len(set(keys)):
        raise SettingsError("COUNTY_FILE: target keys must be unique")

    return County(
        code=head["code"],
        name=head["name"],
        province=head.get("province", ""),
        plan_title=head.get("plan_title", ""),
        plan_document=head.get("plan_document", ""),
        plan_start_year=int(head["plan_start_year"]),
        plan_end_year=int(head["plan_end_year"]),
        base_year=int(head.get("base_year", head["plan_start_year"] - 1)),
        places=places,
        industries=industries,
        targets=tuple(targets),
        milk_standard=MilkStandard(
            protein_pct_min=_decimal("milk_standard.protein_pct_min", ms["protein_pct_min"]),
            fat_pct_min=_decimal("milk_standard.fat_pct_min", ms["fat_pct_min"]),
            bacteria_per_ml_max=int(ms["bacteria_per_ml_max"]),
            somatic_cells_per_ml_max=int(ms["somatic_cells_per_ml_max"]),
        ),
    )


def load_county(path: Path) -> County:
    if not path.exists():
        raise SettingsError(f"COUNTY_FILE: {path} does not exist")
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"COUNTY_FILE: {path.name} is not valid TOML: {exc}") from None
    return parse_county(data)
