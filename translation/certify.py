"""Certified translations (article R767-2, 8°, of the social security code: the centre "certifies the
translations submitted to it").

A translation (produced here, or uploaded beside its source) is opened for review with its segments;
a translator holding the certifying role, who is not the one who translated (four-eyes), checks each
segment; only then can the translation be certified: a certificate page (reference number, languages,
SHA-256 of source and translation, certifier, date, statement in French and in the target language)
is appended to the document (DOCX or PDF), the act goes to the audit log, and anyone holding the
document can verify it by its reference number and checksum (`GET /v1/translation/certificates/{ref}`,
`liaison translate verify FILE`).
"""
from __future__ import annotations

import hashlib
import re
import secrets
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from liaison.db import session_scope
from translation.errors import TranslationError
from translation.languages import language_name
from translation.models import Certification, CertificationSegment

CERTIFYING_ROLES = ("certifier", "admin")
CERTIFIABLE_SUFFIXES = (".docx", ".pdf")
REFERENCE = re.compile(r"CLEISS-TC-\d{4}-[0-9A-F]{8}")
LEGAL_BASIS = "article R767-2, 8°, du code de la sécurité sociale"

# The statement printed on the certificate, in French and in the target language.
STATEMENTS = {
    "fr": ("Le Centre des liaisons européennes et internationales de sécurité sociale (CLEISS) certifie que "
           "le document auquel est annexée la présente page est une traduction fidèle et complète du document "
           "source identifié ci-dessus, vérifiée segment par segment par un traducteur du centre autre que "
           "celui qui l'a traduit ({basis})."),
    "en": ("The European and International Social Security Liaison Centre (CLEISS) certifies that the document "
           "to which this page is attached is a true and complete translation of the source document identified "
           "above, checked segment by segment by a translator of the centre other than the one who translated it "
           "({basis})."),
    "de": ("Das Zentrum für europäische und internationale Verbindungen im Bereich der sozialen Sicherheit "
           "(CLEISS) bescheinigt, dass das Dokument, dem diese Seite beigefügt ist, eine getreue und vollständige "
           "Übersetzung des oben bezeichneten Ausgangsdokuments ist, die von einem anderen Übersetzer des Zentrums "
           "als dem Übersetzer Segment für Segment geprüft wurde ({basis})."),
    "es": ("El Centro de enlaces europeos e internacionales de seguridad social (CLEISS) certifica que el "
           "documento al que se adjunta esta página es una traducción fiel y completa del documento de origen "
           "identificado arriba, revisada segmento por segmento por un traductor del centro distinto del que lo "
           "tradujo ({basis})."),
    "it": ("Il Centro di collegamento europeo e internazionale di sicurezza sociale (CLEISS) certifica che il "
           "documento al quale è allegata la presente pagina è una traduzione fedele e completa del documento di "
           "origine sopra identificato, verificata segmento per segmento da un traduttore del centro diverso da "
           "quello che l'ha tradotto ({basis})."),
    "pt": ("O Centro de ligação europeia e internacional de segurança social (CLEISS) certifica que o documento "
           "ao qual esta página está anexada é uma tradução fiel e completa do documento de origem acima "
           "identificado, verificada segmento a segmento por um tradutor do centro diferente daquele que o "
           "traduziu ({basis})."),
    "nl": ("Het Centrum voor Europese en internationale verbindingen inzake sociale zekerheid (CLEISS) verklaart "
           "dat het document waaraan deze pagina is gehecht een getrouwe en volledige vertaling is van het "
           "hierboven vermelde brondocument, segment voor segment gecontroleerd door een andere vertaler van het "
           "centrum dan degene die het heeft vertaald ({basis})."),
    "pl": ("Centrum Europejskich i Międzynarodowych Powiązań w dziedzinie Zabezpieczenia Społecznego (CLEISS) "
           "poświadcza, że dokument, do którego dołączono niniejszą stronę, jest wiernym i pełnym tłumaczeniem "
           "wskazanego powyżej dokumentu źródłowego, sprawdzonym segment po segmencie przez tłumacza centrum "
           "innego niż ten, który go przetłumaczył ({basis})."),
}
TITLES = {"fr": "Certificat de traduction", "en": "Translation certificate", "de": "Übersetzungsbescheinigung",
          "es": "Certificado de traducción", "it": "Certificato di traduzione", "pt": "Certificado de tradução",
          "nl": "Vertalingscertificaat", "pl": "Poświadczenie tłumaczenia"}


class CertificationError(TranslationError):
    def __init__(self, message: str, status_code: int = 400):
        super().__init__(message)
        self.status_code = status_code


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def certifications_root(settings) -> Path:
    return Path(settings.data_dir) / "translation" / "certifications"


def _now() -> datetime:
    return datetime.now(UTC)


def _new_reference(at: datetime) -> str:
    return f"CLEISS-TC-{at.year}-{secrets.token_hex(4).upper()}"


# -- opening a review -------------------------------------------------------------------------------

def aligned_segments(source: Path, translation: Path, source_lang: str | None = None) -> list[tuple[str, str, str]]:
    """(id, source text, translated text) for a translation uploaded beside its source: the paragraphs of
    both documents paired in order (a translation keeps the source's layout). Refused when they do not
    pair up, rather than guessing which paragraph translates which."""
    from translation.formats import open_document

    source_blocks = [b for b in open_document(source).blocks if b.text.strip()]
    target_blocks = [b for b in open_document(translation).blocks if b.text.strip()]
    if len(source_blocks) != len(target_blocks):
        raise CertificationError(
            f"{translation.name}: {len(target_blocks)} paragraphs for {len(source_blocks)} in {source.name}; a "
            "certified translation must follow the source paragraph by paragraph (re-export it from the CAT tool)")
    return [(s.id, s.text.strip(), t.text.strip()) for s, t in zip(source_blocks, target_blocks)]


def open_review(settings, db_url: str, *, source: Path, translation: Path, source_lang: str, target_lang: str,
                translator: str, submitted_by: str, segments: list[tuple[str, str, str]] | None = None,
                job_id: str | None = None) -> dict:
    """Register a translation for certification; the files are copied under the data directory."""
    source, translation = Path(source), Path(translation)
    if translation.suffix.lower() not in CERTIFIABLE_SUFFIXES:
        raise CertificationError(f"{translation.name}: a certified translation is a DOCX or PDF document "
                                 f"(got {translation.suffix or 'no extension'})")
    if segments is None:
        segments = aligned_segments(source, translation, source_lang)
    if not segments:
        raise CertificationError(f"{translation.name}: no text to check")
    now = _now()
    reference = _new_reference(now)
    folder = certifications_root(settings) / reference
    folder.mkdir(parents=True, exist_ok=False)
    kept_source = folder / f"source{source.suffix.lower()}"
    kept_translation = folder / f"translation{translation.suffix.lower()}"
    shutil.copyfile(source, kept_source)
    shutil.copyfile(translation, kept_translation)
    with session_scope(db_url) as s:
        record = Certification(
            reference=reference, status="in_review", source_lang=source_lang, target_lang=target_lang,
            source_name=source.name[:255], translation_name=translation.name[:255],
            source_sha256=sha256_file(kept_source), translation_sha256=sha256_file(kept_translation),
            source_path=str(kept_source), translation_path=str(kept_translation), translator=translator[:120],
            submitted_by=submitted_by[:120], job_id=job_id, created_at=now)
        s.add(record)
        s.flush()
        for position, (segment_id, source_text, target_text) in enumerate(segments):
            s.add(CertificationSegment(certification_id=record.id, position=position, segment_id=segment_id[:80],
                                       source_text=source_text, target_text=target_text or ""))
    return review_public(db_url, reference)


def review_public(db_url: str, reference: str) -> dict:
    with session_scope(db_url) as s:
        record = _get(s, reference)
        rows = list(s.scalars(select(CertificationSegment).where(CertificationSegment.certification_id == record.id)
                              .order_by(CertificationSegment.position)))
        return {
            "reference": record.reference, "status": record.status, "source_lang": record.source_lang,
            "target_lang": record.target_lang, "source_name": record.source_name,
            "translation_name": record.translation_name, "translator": record.translator,
            "submitted_by": record.submitted_by, "source_sha256": record.source_sha256,
            "translation_sha256": record.translation_sha256, "certified_sha256": record.certified_sha256,
            "certifier": record.certifier, "certified_at": record.certified_at.isoformat() if record.certified_at else None,
            "segments_total": len(rows), "segments_checked": sum(1 for r in rows if r.checked_by),
            "segments": [{"position": r.position, "id": r.segment_id, "source": r.source_text, "target": r.target_text,
                          "checked_by": r.checked_by, "checked_at": r.checked_at.isoformat() if r.checked_at else None,
                          "comment": r.comment} for r in rows],
        }


def _get(session, reference: str) -> Certification:
    record = session.scalar(select(Certification).where(Certification.reference == reference))
    if record is None:
        raise CertificationError(f"no certification {reference!r}", 404)
    return record


def _four_eyes(record: Certification, certifier: str, role: str) -> None:
    if role not in CERTIFYING_ROLES:
        raise CertificationError(f"role {role!r} may not certify translations (certifying role: certifier)", 403)
    if certifier in (record.translator, record.submitted_by):
        raise CertificationError("four-eyes rule: the translation must be checked and certified by another "
                                 f"translator than {certifier!r}, who translated or submitted it", 403)


# -- checking and certifying ----------------------------------------------------------------------

def check_segments(db_url: str, reference: str, positions: list[int], *, certifier: str, role: str,
                   comment: str | None = None) -> dict:
    """Record that the certifier checked these segments (each one named explicitly)."""
    now = _now()
    with session_scope(db_url) as s:
        record = _get(s, reference)
        _four_eyes(record, certifier, role)
        if record.status != "in_review":
            raise CertificationError(f"{reference} is already {record.status}", 409)
        rows = {r.position: r for r in s.scalars(select(CertificationSegment).where(
            CertificationSegment.certification_id == record.id, CertificationSegment.position.in_(positions)))}
        unknown = sorted(set(positions) - set(rows))
        if unknown:
            raise CertificationError(f"{reference}: no segment at position(s) {unknown}", 404)
        for row in rows.values():
            row.checked_by, row.checked_at = certifier[:120], now
            if comment:
                row.comment = comment[:2000]
    return review_public(db_url, reference)


def certify(settings, db_url: str, reference: str, *, certifier: str, role: str) -> dict:
    """Append the certificate page to the translation and record the certification (all segments must
    have been checked by this certifier's side of the four eyes)."""
    with session_scope(db_url) as s:
        record = _get(s, reference)
        _four_eyes(record, certifier, role)
        if record.status != "in_review":
            raise CertificationError(f"{reference} is already {record.status}", 409)
        unchecked = [r.position for r in s.scalars(select(CertificationSegment).where(
            CertificationSegment.certification_id == record.id, CertificationSegment.checked_by.is_(None)))]
        if unchecked:
            raise CertificationError(f"{reference}: {len(unchecked)} segment(s) not checked yet "
                                     f"(positions {unchecked[:20]})", 409)
        translation = Path(record.translation_path)
        if sha256_file(translation) != record.translation_sha256:
            raise CertificationError(f"{reference}: the stored translation changed since it was submitted", 409)
        at = _now()
        page = CertificatePage(reference, record.source_lang, record.target_lang, record.source_name,
                               record.source_sha256, record.translation_sha256, certifier, at)
        stem = Path(record.translation_name).stem
        output = translation.with_name(f"{stem}.certified{translation.suffix.lower()}")
        if translation.suffix.lower() == ".docx":
            append_docx(translation, output, page)
        else:
            append_pdf(translation, output, page)
        record.status, record.certifier, record.certified_at = "certified", certifier[:120], at
        record.certified_path, record.certified_sha256 = str(output), sha256_file(output)
    return review_public(db_url, reference)


# -- the certificate page -------------------------------------------------------------------------

@dataclass(frozen=True)
class CertificatePage:
    reference: str
    source_lang: str
    target_lang: str
    source_name: str
    source_sha256: str
    translation_sha256: str
    certifier: str
    at: datetime

    def lines(self) -> list[tuple[str, str]]:
        """(label, value) rows, French first."""
        return [
            ("Numéro de référence / Reference", self.reference),
            ("Langue source / Source language", f"{language_name(self.source_lang)} ({self.source_lang})"),
            ("Langue cible / Target language", f"{language_name(self.target_lang)} ({self.target_lang})"),
            ("Document source / Source document", self.source_name),
            ("SHA-256 du document source / of the source", self.source_sha256),
            ("SHA-256 de la traduction (sans cette page) / of the translation (without this page)",
             self.translation_sha256),
            ("Certifié par / Certified by", self.certifier),
            ("Date", self.at.strftime("%Y-%m-%d %H:%M UTC")),
        ]

    def statements(self) -> list[tuple[str, str]]:
        langs = ["fr"] + ([self.target_lang] if self.target_lang != "fr" else [])
        out = []
        for lang in langs:
            text = STATEMENTS.get(lang) or STATEMENTS["en"]
            out.append((TITLES.get(lang, TITLES["en"]), text.format(basis=LEGAL_BASIS)))
        return out

    def verification(self) -> str:
        return (f"Vérification / Verification: GET /v1/translation/certificates/{self.reference} "
                f"(sha256 du fichier certifié / of the certified file), ou / or `liaison translate verify FICHIER`.")


def append_docx(translation: Path, output: Path, page: CertificatePage) -> None:
    import docx
    from docx.enum.text import WD_BREAK

    document = docx.Document(str(translation))
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    document.add_heading(" / ".join(title for title, _ in page.statements()), level=1)
    table = document.add_table(rows=0, cols=2)
    for label, value in page.lines():
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    for title, statement in page.statements():
        paragraph = document.add_paragraph()
        paragraph.add_run(title + " — ").bold = True
        paragraph.add_run(statement)
    document.add_paragraph(page.verification())
    document.save(str(output))


def append_pdf(translation: Path, output: Path, page: CertificatePage) -> None:
    from html import escape
    from io import BytesIO

    from pypdf import PdfReader, PdfWriter
    from weasyprint import HTML

    rows = "".join(f"<tr><th>{escape(label)}</th><td>{escape(value)}</td></tr>" for label, value in page.lines())
    statements = "".join(f"<p><b>{escape(title)}</b> — {escape(text)}</p>" for title, text in page.statements())
    html = (f"<html><head><meta charset='utf-8'><style>body{{font-family:sans-serif;font-size:10pt}}"
            f"th{{text-align:left;padding-right:1em;vertical-align:top}}td{{word-break:break-all}}</style></head>"
            f"<body><h1>{escape(' / '.join(t for t, _ in page.statements()))}</h1><table>{rows}</table>"
            f"{statements}<p>{escape(page.verification())}</p></body></html>")
    certificate = PdfReader(BytesIO(HTML(string=html).write_pdf()))
    writer = PdfWriter(clone_from=str(translation))
    for pdf_page in certificate.pages:
        writer.add_page(pdf_page)
    with open(output, "wb") as handle:
        writer.write(handle)


# -- verification ------------------------------------------------------------------------------------

def certificate_public(db_url: str, reference: str) -> dict:
    """What anyone holding the document may see: no file names, no segments."""
    with session_scope(db_url) as s:
        record = s.scalar(select(Certification).where(Certification.reference == reference))
        if record is None or record.status != "certified":
            raise CertificationError(f"no certified translation with reference {reference!r}", 404)
        return {"reference": record.reference, "status": record.status, "source_lang": record.source_lang,
                "target_lang": record.target_lang, "source_sha256": record.source_sha256,
                "translation_sha256": record.translation_sha256, "certified_sha256": record.certified_sha256,
                "certifier": record.certifier, "certified_at": record.certified_at.isoformat()}


def reference_in(path: Path) -> str | None:
    """The certificate reference printed in a DOCX or PDF (its last one: the certificate page)."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".docx":
            import zipfile

            with zipfile.ZipFile(path) as archive:
                text = archive.read("word/document.xml").decode("utf-8", "replace")
        elif suffix == ".pdf":
            from pypdf import PdfReader

            reader = PdfReader(str(path))
            text = " ".join((reader.pages[i].extract_text() or "") for i in range(max(0, len(reader.pages) - 2),
                                                                                  len(reader.pages)))
        else:
            return None
    except Exception:  # a damaged file: verification says so below
        return None
    found = REFERENCE.findall(text)
    return found[-1] if found else None


@dataclass
class Verification:
    valid: bool
    reference: str | None
    sha256: str
    message: str
    certificate: dict | None = None

    def to_public(self) -> dict:
        return {"valid": self.valid, "reference": self.reference, "sha256": self.sha256, "message": self.message,
                "certificate": self.certificate}


def verify_file(db_url: str, path: Path) -> Verification:
    """A certified file is valid when its SHA-256 is the one recorded for its reference."""
    path = Path(path)
    digest = sha256_file(path)
    with session_scope(db_url) as s:
        by_hash = s.scalar(select(Certification.reference).where(Certification.certified_sha256 == digest))
    reference = by_hash or reference_in(path)
    if reference is None:
        return Verification(False, None, digest, "no certificate reference found in the file and no certified "
                                                 "translation has this checksum")
    try:
        certificate = certificate_public(db_url, reference)
    except CertificationError as exc:
        return Verification(False, reference, digest, str(exc))
    if certificate["certified_sha256"] != digest:
        return Verification(False, reference, digest,
                            f"MODIFIED: the file's SHA-256 {digest} is not the certified one "
                            f"{certificate['certified_sha256']} recorded for {reference}", certificate)
    return Verification(True, reference, digest, f"valid: certified translation {reference} "
                                                 f"({certificate['source_lang']}->{certificate['target_lang']}), "
                                                 f"certified by {certificate['certifier']} on "
                                                 f"{certificate['certified_at'][:10]}", certificate)
