"""A statement's canonical CSV and its SHA-256 digest (pure: no Django).

The canonical form is what the digest is computed over and what the «CSV» download serves,
byte for byte, so that anyone can check a statement with `sha256sum`: UTF-8 without a byte
order mark, fields separated by commas, lines ended by LF (also the last), the columns in the
order of COLUMNS, one row per line in position order, every statement field repeated on each
row. Values are ids, ISO 8601 dates, codes and integer cents: none ever needs quoting, so
the form has no quoting rule to disagree on. Digest: SHA-256 (FIPS 180-4) of those bytes, in
lower-case hexadecimal.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

COLUMNS = (
    "releve",
    "emis_le",
    "paiement_prevu_le",
    "mois",
    "payeur",
    "employeur",
    "ligne",
    "nature",
    "lieu",
    "dispositif",
    "part",
    "reservation",
    "inscription",
    "jour",
    "montant_centimes",
)
# The codes written for a payer and a line's kind (reimbursements.models' values).
PAYER_CODES = {"programme": "dispositif", "employer": "employeur"}
KIND_CODES = {"regular": "mois", "correction": "correction"}


@dataclass(frozen=True)
class Heading:
    """What every row repeats: the statement's reference («2026-0007»), its Paris dates,
    its month (first day), its payer («programme» or «employer») and the employer's id (None
    for a programme's statement)."""

    reference: str
    issued_on: date
    payment_due_on: date
    month: date
    payer: str
    employer_id: int | None


@dataclass(frozen=True)
class Row:
    """One line: position (1…), kind («regular» or «correction»), the place's and the
    programme's ids, the share's, the booking's or the registration's (the other None), the
    Paris day served and the signed amount in cents."""

    position: int
    kind: str
    place_id: int
    programme_id: int
    share_id: int
    booking_id: int | None
    registration_id: int | None
    served_on: date
    cents: int


def _text(value: object) -> str:
    return "" if value is None else str(value)


def canonical_csv(heading: Heading, rows: Sequence[Row]) -> bytes:
    """The canonical CSV bytes of a statement (the module's form). Raises ValueError when a
    value would need quoting (a comma or a line break): the form never quotes."""
    lines = [",".join(COLUMNS)]
    for row in sorted(rows, key=lambda r: r.position):
        values = (
            heading.reference,
            heading.issued_on.isoformat(),
            heading.payment_due_on.isoformat(),
            heading.month.strftime("%Y-%m"),
            PAYER_CODES[heading.payer],
            _text(heading.employer_id),
            str(row.position),
            KIND_CODES[row.kind],
            str(row.place_id),
            str(row.programme_id),
            str(row.share_id),
            _text(row.booking_id),
            _text(row.registration_id),
            row.served_on.isoformat(),
            str(row.cents),
        )
        if any(("," in v) or ("\n" in v) or ("\r" in v) or ('"' in v) for v in values):
            raise ValueError(f"line {row.position}: a value the canonical form cannot hold")
        lines.append(",".join(values))
    return ("\n".join(lines) + "\n").encode("utf-8")


def digest(heading: Heading, rows: Sequence[Row]) -> str:
    """The SHA-256 of canonical_csv(heading, rows), 64 lower-case hexadecimal digits."""
    return hashlib.sha256(canonical_csv(heading, rows)).hexdigest()
