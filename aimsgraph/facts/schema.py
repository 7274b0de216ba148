"""The public YAML/CSV contract: tables, their fields, and how each field's text is checked."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import Enum

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
DURATION_PATTERN = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")
SHA256_PATTERN = re.compile(r"^[0-9a-fA-F]{64}$")

LIFECYCLE_STAGES = ("inception", "design", "development", "verification", "deployment", "operation", "retirement")
TREATMENTS = ("mitigate", "accept", "avoid", "transfer")
SOA_STATUSES = ("implemented", "partial", "planned", "not_started")
DESIGN_KINDS = ("policy", "procedure", "standard", "plan", "methodology", "template", "guideline", "specification")
OPERATING_KINDS = (
    "record",
    "log",
    "minutes",
    "report",
    "audit_report",
    "training_record",
    "impact_assessment",
    "risk_assessment",
    "incident_log",
    "register",
    "agreement",
    "model_card",
    "technical_documentation",
    "test_report",
    "monitoring_report",
)
NATURES = ("design", "operating")


class Kind(Enum):
    """How a field's text is read."""

    TEXT = "text"
    ID = "id"
    INT = "int"
    BOOL = "bool"
    DATE = "date"
    DURATION = "duration"
    CHOICE = "choice"
    REF = "ref"
    SHA256 = "sha256"
    ROLES = "roles"


@dataclass(frozen=True)
class Field:
    """One field of a table: how to read it, whether it may repeat, what it refers to."""

    kind: Kind
    required: bool = False
    many: bool = False
    target: str = ""  # REF: people|ai_systems|evidence|requirement|control
    choices: tuple[str, ...] = ()
    low: int = 0
    high: int = 0


TABLES: dict[str, dict[str, Field]] = {
    "organization": {
        "id": Field(Kind.ID),
        "name": Field(Kind.TEXT, required=True),
        "scope": Field(Kind.TEXT),
        "risk_threshold": Field(Kind.INT, low=1, high=25),
    },
    "people": {
        "id": Field(Kind.ID, required=True),
        "name": Field(Kind.TEXT, required=True),
        "title": Field(Kind.TEXT),
        "email": Field(Kind.TEXT),
    },
    "ai_systems": {
        "id": Field(Kind.ID, required=True),
        "name": Field(Kind.TEXT, required=True),
        "description": Field(Kind.TEXT),
        "lifecycle_stage": Field(Kind.CHOICE, choices=LIFECYCLE_STAGES),
        "intended_use": Field(Kind.TEXT),
        "owner": Field(Kind.REF, target="people"),
        "roles": Field(Kind.ROLES, many=True),
        "impact_assessment": Field(Kind.REF, target="evidence"),
        "supplier": Field(Kind.TEXT),
    },
    "risks": {
        "id": Field(Kind.ID, required=True),
        "title": Field(Kind.TEXT, required=True),
        "description": Field(Kind.TEXT),
        "system": Field(Kind.REF, target="ai_systems"),
        "source": Field(Kind.TEXT),
        "likelihood": Field(Kind.INT, low=1, high=5),
        "impact": Field(Kind.INT, low=1, high=5),
        "owner": Field(Kind.REF, target="people"),
        "treatment": Field(Kind.CHOICE, choices=TREATMENTS),
        "controls": Field(Kind.REF, many=True, target="control"),
        "accepted_by": Field(Kind.REF, target="people"),
    },
    "soa": {
        "control": Field(Kind.REF, required=True, target="control"),
        "applicable": Field(Kind.BOOL, required=True),
        "status": Field(Kind.CHOICE, choices=SOA_STATUSES),
        "owner": Field(Kind.REF, target="people"),
        "justification": Field(Kind.TEXT),
        "reviewed": Field(Kind.DATE),
    },
    "evidence": {
        "id": Field(Kind.ID, required=True),
        "title": Field(Kind.TEXT, required=True),
        "file": Field(Kind.TEXT),
        "kind": Field(Kind.CHOICE, choices=DESIGN_KINDS + OPERATING_KINDS),
        "nature": Field(Kind.CHOICE, choices=NATURES),
        "owner": Field(Kind.REF, target="people"),
        "issued": Field(Kind.DATE),
        "review_interval": Field(Kind.DURATION),
        "satisfies": Field(Kind.REF, many=True, target="requirement"),
        "systems": Field(Kind.REF, many=True, target="ai_systems"),
        "all_systems": Field(Kind.BOOL),
        "sha256": Field(Kind.SHA256),
    },
}

# Tables whose rows are identified by their `id` (soa rows by their control).
KEY_FIELD = {"people": "id", "ai_systems": "id", "risks": "id", "evidence": "id", "soa": "control"}


def expectation(spec: Field) -> str:
    """A short phrase saying what a field expects, for error messages."""
    kind = spec.kind
    if kind is Kind.INT:
        return f"a whole number from {spec.low} to {spec.high}"
    if kind is Kind.CHOICE:
        return "one of " + ", ".join(spec.choices)
    phrases: dict[Kind, str] = {
        Kind.TEXT: "text",
        Kind.ID: "an id of letters, digits, '.', '_' or '-'",
        Kind.BOOL: "true or false",
        Kind.DATE: "an ISO 8601 date such as 2026-01-15",
        Kind.DURATION: "an ISO 8601 duration such as P12M",
        Kind.SHA256: "64 hexadecimal digits",
        Kind.REF: f"an id from {spec.target}",
        Kind.ROLES: "role names or {role, person} entries",
    }
    return phrases.get(kind, str(kind.value))


def parse_duration(text: str) -> tuple[int, int] | None:
    """(months, days) of an ISO 8601 duration of years/months/weeks/days, or None."""
    match = DURATION_PATTERN.match(text)
    if not match or text == "P":
        return None
    years, months, weeks, days = (int(g) if g else 0 for g in match.groups())
    return years * 12 + months, weeks * 7 + days


def add_duration(start: date, months: int, days: int) -> date:
    """start + months (clamped to the month's last day) + days."""
    from calendar import monthrange
    from datetime import timedelta

    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, monthrange(year, month)[1])
    return date(year, month, day) + timedelta(days=days)
