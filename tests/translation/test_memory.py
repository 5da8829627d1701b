"""Translation memory on SQLite and PostgreSQL: exact, placeable and fuzzy matches with scores,
confirmations with who/when, history, machine output, TMX round trip and all-or-nothing import."""
from datetime import UTC, datetime, timedelta

import pytest

from translation.errors import TranslationError
from translation.memory import TranslationMemory
from translation.tmx import export_tmx, import_tmx

pytestmark = [pytest.mark.integration, pytest.mark.postgres]

SOURCE = "Le travailleur détaché reste affilié au régime français pendant 24 mois."
TARGET = "The posted worker remains insured under the French scheme for 24 months."


def test_exact_placeable_and_fuzzy_matches(db_url):
    memory = TranslationMemory(db_url, fuzzy_min=70)
    memory.confirm("fr", "en", SOURCE, TARGET, by="alice")
    exact = memory.lookup_exact("fr", "en", ["  Le travailleur détaché reste affilié au régime français pendant 24 mois. "])
    (match,) = exact.values()
    assert match.score == 100 and match.target == TARGET and match.confirmed_by == "alice"
    assert match.confirmed_at is not None and match.kind == "exact"
    assert memory.lookup_exact("en", "fr", [SOURCE]) == {}  # other direction: nothing
    placeable = memory.lookup_placeable("fr", "en", SOURCE.replace("24", "18"))
    assert placeable.kind == "placeable" and placeable.target == TARGET.replace("24", "18") and placeable.score == 99
    fuzzy = memory.fuzzy("fr", "en", "Le travailleur détaché reste affilié au régime belge pendant 24 mois.")
    assert fuzzy and fuzzy[0].kind == "fuzzy" and 80 <= fuzzy[0].score < 100 and fuzzy[0].target == TARGET
    assert memory.fuzzy("fr", "en", "Une phrase sans aucun rapport avec la mémoire.") == []


def test_confirmations_history_and_machine_output(db_url):
    memory = TranslationMemory(db_url)
    assert memory.store_machine("fr", "en", [(SOURCE, "machine output")], "argos") == 1
    match = memory.lookup_exact("fr", "en", [SOURCE])
    assert next(iter(match.values())).origin == "machine"
    # Machine entries are never fuzzy candidates.
    assert memory.fuzzy("fr", "en", SOURCE.replace("français", "belge")) == []
    first = memory.confirm("fr", "en", SOURCE, TARGET, by="alice")
    assert first.status == "updated"
    # Machine output never replaces a confirmed translation.
    memory.store_machine("fr", "en", [(SOURCE, "other machine output")], "argos")
    assert next(iter(memory.lookup_exact("fr", "en", [SOURCE]).values())).target == TARGET
    assert memory.confirm("fr", "en", SOURCE, TARGET, by="bob").status == "unchanged"
    newer = "The posted worker stays covered by French social security for 24 months."
    assert memory.confirm("fr", "en", SOURCE, newer, by="bob").status == "updated"
    history = memory.history("fr", "en", SOURCE)
    assert [(h.target_text, h.confirmed_by, h.replaced_by) for h in history] == [(TARGET, "alice", "bob")]
    # An older import does not override a newer confirmation.
    old = datetime.now(UTC) - timedelta(days=30)
    assert memory.confirm("fr", "en", SOURCE, "old import", by="tm", at=old, origin="imported",
                          keep_newer=True).status == "kept-newer"
    stats = memory.stats()
    assert stats["pairs"]["fr-en"] == {"confirmed": 1}
    with pytest.raises(ValueError):
        memory.confirm("fr", "en", " ", "x", by="bob")


def test_purge_only_old_unconfirmed_machine_output(db_url):
    memory = TranslationMemory(db_url)
    memory.store_machine("fr", "en", [("Phrase machine.", "Machine sentence.")], "argos")
    memory.confirm("fr", "en", SOURCE, TARGET, by="alice")
    assert memory.purge_machine(timedelta(days=1)) == 0
    assert memory.purge_machine(timedelta(seconds=-1)) == 1
    assert len(memory.lookup_exact("fr", "en", [SOURCE, "Phrase machine."])) == 1


def test_tmx_round_trip_and_bad_files(db_url, tmp_path):
    memory = TranslationMemory(db_url)
    memory.confirm("fr", "en", SOURCE, TARGET, by="alice")
    memory.confirm("fr", "en", "Formulaire A1 & S1 <joint>.", "Form A1 & S1 <attached>.", by="bob")
    memory.store_machine("fr", "en", [("Phrase machine.", "Machine sentence.")], "argos")
    data = export_tmx(memory, "fr", "en")
    assert data.count(b"<tu ") == 2 and b"&amp; S1 &lt;joint&gt;" in data and b'changeid="alice"' in data
    assert export_tmx(memory, "fr", "en", include_machine=True).count(b"<tu ") == 3
    other = TranslationMemory(db_url.replace("liaison.db", "other.db")) if db_url.startswith("sqlite") else None
    target = other or memory
    if other:
        from liaison.db import migrate

        migrate(other.db_url)
    report = import_tmx(target, data, by="importer", name="export.tmx")
    assert report.units == 2 and report.added + report.unchanged == 2
    entry = next(iter(target.lookup_exact("fr", "en", ["Formulaire A1 & S1 <joint>."]).values()))
    assert entry.target == "Form A1 & S1 <attached>." and entry.confirmed_by == "bob"
    before = target.stats()
    broken = data.replace(b"</body>", b"")
    with pytest.raises(TranslationError, match=r"export.tmx, line \d+: not well-formed XML .*nothing was imported"):
        import_tmx(target, broken, by="importer", name="export.tmx")
    assert target.stats() == before
    partial = b"""<tmx version="1.4"><header srclang="fr"/><body>
      <tu><tuv xml:lang="fr"><seg>Bonjour.</seg></tuv><tuv xml:lang="en-GB"><seg>Hello <bpt i="1">&lt;b&gt;</bpt>there<ept i="1">&lt;/b&gt;</ept>.</seg></tuv></tu>
      <tu><tuv xml:lang="fr"><seg>Seul.</seg></tuv></tu>
      <tu><tuv xml:lang="klingon"><seg>x</seg></tuv><tuv xml:lang="fr"><seg>y</seg></tuv></tu>
    </body></tmx>"""
    report = import_tmx(target, partial, by="importer")
    assert report.added == 1 and len(report.skipped) == 3
    assert next(iter(target.lookup_exact("fr", "en", ["Bonjour."]).values())).target == "Hello there."
