"""Import of EESSI exchange counts (CSV or XLSX) with line-level validation, as for statistical returns:
every problem is reported with its line and column, and a file with any error is refused whole.

Columns (French headers accepted): month (YYYY-MM), buc, sed, partner (ISO country code of the other
institution's state), direction (sent | received), count; optional answered (how many of these SEDs got
their answer), response_days (mean days to that answer), open (still awaiting an answer at month end).
A SED must belong to the BUC in the catalogue; horizontal (H) and administrative (X) SEDs are accepted in
any BUC, as EESSI uses them as sub-processes.

The same file twice changes nothing; a new file from the same institution replaces that institution's
lines for the months it covers, in one transaction.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from eessi.catalogue import Catalogue
from eessi.codes import normalise_buc, normalise_sed
from eessi.models import DIRECTIONS, RECEIVED, SENT
from reports.errors import ReturnFileError, ReturnIssue

REQUIRED = ("month", "buc", "sed", "partner", "direction", "count")
OPTIONAL = ("answered", "response_days", "open")
COLUMNS = REQUIRED + OPTIONAL
_ALIASES = {
    "mois": "month", "period": "month", "periode": "month", "buc_id": "buc", "sed_code": "sed",
    "pays": "partner", "partenaire": "partner", "partner_country": "partner", "country": "partner",
    "sens": "direction", "nombre": "count", "volume": "count", "repondus": "answered",
    "delai_moyen_jours": "response_days", "mean_response_days": "response_days", "en_cours": "open",
}
_DIRECTIONS = {"sent": SENT, "out": SENT, "outgoing": SENT, "envoye": SENT, "envoyes": SENT, "emis": SENT,
               "received": RECEIVED, "in": RECEIVED, "incoming": RECEIVED, "recu": RECEIVED, "recus": RECEIVED}
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})(?:-\d{1,2})?$")
MAX_COUNT = 10_000_000
HEADER_ROWS = 10


class CountsRejected(ReturnFileError):
    """The file is refused; `issues` lists every problem (line, column)."""


@dataclass(frozen=True)
class CountLine:
    line: int
    month: str
    buc: str
    sed: str
    partner: str
    direction: str
    count: int
    answered: int
    response_days: float | None
    open: int

    @property
    def key(self) -> tuple:
        return (self.month, self.buc, self.sed, self.partner, self.direction)


def _header_name(value: Any) -> str:
    text = unicodedata.normalize("NFKD", str(value or "")).encode("ascii", "ignore").decode()
    key = re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")
    return _ALIASES.get(key, key)


def _rows_from_table(rows: list[tuple[int, list]]) -> tuple[list[tuple[int, dict]], list[ReturnIssue]]:
    header = None
    out: list[tuple[int, dict]] = []
    for number, values in rows:
        if header is None:
            names = [_header_name(v) for v in values]
            if {"buc", "sed", "count"} <= set(names):
                missing = [c for c in REQUIRED if c not in names]
                if missing:
                    raise CountsRejected([ReturnIssue("missing_column", f"missing column(s) {', '.join(missing)} "
                                                      f"(expected header: {', '.join(COLUMNS)})", number)])
                header = {i: n for i, n in enumerate(names) if n in COLUMNS}
            elif number >= HEADER_ROWS:
                break
            continue
        if not any(v is not None and str(v).strip() for v in values):
            continue
        out.append((number, {name: (values[i] if i < len(values) else None) for i, name in header.items()}))
    if header is None:
        raise CountsRejected([ReturnIssue("missing_header", f"no header row in the first {HEADER_ROWS} lines "
                                          f"(expected: {', '.join(COLUMNS)})")])
    return out, []


def read_table(content: bytes, max_unpacked_mb: float = 200) -> tuple[str, list[tuple[int, dict]]]:
    """('csv' | 'xlsx', [(line number, {column: raw value})])."""
    from reports.parsing import _check_zip, _decode, sniff_format

    try:
        kind = sniff_format(content)
        if kind == "xlsx":
            from reports.xlsx import XlsxBook

            _check_zip(content, max_unpacked_mb)
            with zipfile.ZipFile(io.BytesIO(content)) as zf:
                book = XlsxBook(zf)
                if not book.sheets:
                    raise CountsRejected([ReturnIssue("unsupported_format", "the workbook has no sheet")])
                rows = list(book.rows(book.sheets[0][1]))
        else:
            text = _decode(content)
            first = next((ln for ln in text.splitlines() if ln.strip()), "")
            delimiter = max((";", ",", "\t"), key=first.count)
            reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
            rows = []
            for values in reader:
                rows.append((reader.line_num, values))
    except CountsRejected:
        raise
    except ReturnFileError as exc:
        raise CountsRejected(exc.issues) from None
    except csv.Error as exc:
        raise CountsRejected([ReturnIssue("malformed_csv", f"malformed CSV: {exc}")]) from None
    parsed, _ = _rows_from_table(rows)
    return kind, parsed


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _int(value: Any, column: str, line: int, issues: list, *, required: bool) -> int | None:
    raw = _text(value).replace(" ", "").replace("\u00a0", "")
    if raw == "":
        if required:
            issues.append(ReturnIssue("missing_value", f"{column} is empty", line, None, column))
        return None if required else 0
    try:
        number = float(raw.replace(",", "."))
    except ValueError:
        issues.append(ReturnIssue("not_a_number", f"{column} {raw!r} is not a number", line, None, column))
        return None
    if number != int(number) or number < 0 or number > MAX_COUNT:
        issues.append(ReturnIssue("bad_count", f"{column} must be a whole number from 0 to {MAX_COUNT:,}, got {raw}",
                                  line, None, column))
        return None
    return int(number)


def _month(value: Any, line: int, issues: list) -> str | None:
    if isinstance(value, (datetime, date)):
        return f"{value.year:04d}-{value.month:02d}"
    raw = _text(value)
    m = _MONTH.match(raw)
    if not m or not 1 <= int(m.group(2)) <= 12 or not 2000 <= int(m.group(1)) <= 2100:
        issues.append(ReturnIssue("bad_month", f"month {raw!r} is not a month YYYY-MM", line, None, "month"))
        return None
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"


def _partner(value: Any, line: int, issues: list) -> str | None:
    from reports import catalogue as stats_catalogue

    raw = _text(value)
    code = stats_catalogue.normalise_partner(raw)
    eessi_states = set(stats_catalogue.EU_MEMBERS) | set(stats_catalogue.EEA_CH) | {"GB"}
    if code == "FR":
        issues.append(ReturnIssue("bad_partner", "partner FR: the partner is the other state, not France", line,
                                  None, "partner"))
        return None
    if code not in eessi_states:
        known = code in stats_catalogue.countries()
        issues.append(ReturnIssue("bad_partner", f"partner {raw!r} " + (
            "does not exchange through EESSI (EU, EEA, Switzerland, United Kingdom)" if known
            else "is not an ISO 3166 country code"), line, None, "partner"))
        return None
    return code


def validate(catalogue: Catalogue, rows: list[tuple[int, dict]]) -> tuple[list[CountLine], list[ReturnIssue]]:
    issues: list[ReturnIssue] = []
    lines: list[CountLine] = []
    seen: dict[tuple, int] = {}
    for number, cells in rows:
        before = len(issues)
        month = _month(cells.get("month"), number, issues)
        buc = normalise_buc(catalogue, _text(cells.get("buc")))
        if buc is None:
            issues.append(ReturnIssue("unknown_buc", f"BUC {_text(cells.get('buc'))!r} is not in the catalogue",
                                      number, None, "buc"))
        sed = normalise_sed(catalogue, _text(cells.get("sed")))
        if sed is None:
            issues.append(ReturnIssue("unknown_sed", f"SED {_text(cells.get('sed'))!r} is not in the catalogue",
                                      number, None, "sed"))
        elif buc is not None:
            entry = catalogue.seds[sed]
            if buc not in entry.bucs and not entry.used_across_bucs and entry.sector != "H":
                issues.append(ReturnIssue(
                    "sed_not_in_buc", f"SED {sed} is not part of {buc} in the catalogue (its BUCs: "
                    f"{', '.join(entry.bucs) or 'none'})", number, None, "sed"))
        partner = _partner(cells.get("partner"), number, issues)
        raw_direction = unicodedata.normalize("NFKD", _text(cells.get("direction"))).encode("ascii", "ignore").decode()
        direction = _DIRECTIONS.get(raw_direction.lower())
        if direction is None:
            issues.append(ReturnIssue("bad_direction", f"direction {_text(cells.get('direction'))!r}: expected one "
                                      f"of {', '.join(DIRECTIONS)}", number, None, "direction"))
        count = _int(cells.get("count"), "count", number, issues, required=True)
        answered = _int(cells.get("answered"), "answered", number, issues, required=False)
        still_open = _int(cells.get("open"), "open", number, issues, required=False)
        days_raw = _text(cells.get("response_days")).replace(",", ".")
        days = None
        if days_raw:
            try:
                days = float(days_raw)
                if not 0 <= days <= 3650:
                    raise ValueError
            except ValueError:
                issues.append(ReturnIssue("bad_response_days", f"response_days {days_raw!r} must be a number of days "
                                          "from 0 to 3650", number, None, "response_days"))
                days = None
        if count is not None and answered is not None and answered > count:
            issues.append(ReturnIssue("answered_above_count", f"answered ({answered}) is above count ({count})",
                                      number, None, "answered"))
        if days is not None and not answered:
            issues.append(ReturnIssue("days_without_answers", "response_days given but no SED answered", number,
                                      None, "response_days"))
        if len(issues) > before:
            continue
        line = CountLine(number, month, buc, sed, partner, direction, count, answered or 0, days, still_open or 0)
        if line.key in seen:
            issues.append(ReturnIssue("duplicate_line", f"same month/BUC/SED/partner/direction as line {seen[line.key]}",
                                      number))
            continue
        seen[line.key] = number
        lines.append(line)
    if not rows:
        issues.append(ReturnIssue("empty", "the file has a header but no line of counts"))
    return lines, issues


@dataclass
class ImportResult:
    id: int
    lines: int
    first_month: str
    last_month: str
    duplicate: bool


def import_counts(settings, db_url: str, content: bytes, *, filename: str, institution: str, submitted_by: str,
                  synthetic: bool = False) -> ImportResult:
    from sqlalchemy import delete, select

    from eessi.models import ExchangeCount, ExchangeImport
    from eessi.service import catalogue_for
    from liaison.db import session_scope

    institution = institution.strip()
    if not institution:
        raise CountsRejected([ReturnIssue("missing_institution", "the sending institution is required")])
    if len(content) > settings.eessi_max_upload_mb * 1_000_000:
        raise CountsRejected([ReturnIssue("too_large", f"the file is {len(content) / 1_000_000:.1f} MB; the limit is "
                                          f"{settings.eessi_max_upload_mb:g} MB")])
    catalogue = catalogue_for(settings.eessi_catalogue_path)
    file_format, rows = read_table(content, settings.reports_max_unpacked_mb)
    lines, issues = validate(catalogue, rows)
    if issues:
        raise CountsRejected(issues)
    sha = hashlib.sha256(content).hexdigest()
    months = sorted({ln.month for ln in lines})
    with session_scope(db_url) as s:
        existing = s.scalars(select(ExchangeImport).where(ExchangeImport.sha256 == sha,
                                                          ExchangeImport.institution == institution)).first()
        if existing is not None:
            return ImportResult(existing.id, existing.line_count, existing.first_month, existing.last_month, True)
        record = ExchangeImport(institution=institution[:200], filename=filename[:255], file_format=file_format,
                                sha256=sha, submitted_by=submitted_by[:120], submitted_at=datetime.now(UTC),
                                synthetic=synthetic, line_count=len(lines), first_month=months[0],
                                last_month=months[-1], catalogue_version=catalogue.version)
        s.add(record)
        s.flush()
        s.execute(delete(ExchangeCount).where(ExchangeCount.institution == record.institution,
                                              ExchangeCount.month.in_(months)))
        s.add_all([ExchangeCount(import_id=record.id, institution=record.institution, month=ln.month,
                                 year=int(ln.month[:4]), buc=ln.buc, sed=ln.sed, partner=ln.partner,
                                 direction=ln.direction, count=ln.count, answered=ln.answered,
                                 response_days=ln.response_days, open=ln.open, synthetic=synthetic)
                   for ln in lines])
        return ImportResult(record.id, len(lines), months[0], months[-1], False)
