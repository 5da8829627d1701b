"""Glossaries: TSV/TBX loading with line-level errors, matching, protection and enforcement."""
import pytest

from translation.errors import GlossaryError
from translation.glossary import load_glossary_file, parse_tbx, parse_tsv, starter_glossary

pytestmark = pytest.mark.unit


def test_starter_glossaries_cover_the_domain():
    fr_en = starter_glossary("fr", "en")
    en_fr = starter_glossary("en", "fr")
    for code in ("A1", "S1", "S2", "E106", "CLEISS", "CPAM", "URSSAF", "CAFAT"):
        assert fr_en.terms[code.casefold()].dnt, code
        assert en_fr.terms[code.casefold()].dnt, code
    assert fr_en.terms["détachement"].target == "posting"
    assert fr_en.terms["maintien d'affiliation"].target == "continued affiliation"
    assert en_fr.terms["posting"].target == "détachement"
    assert en_fr.terms["continued affiliation"].target == "maintien d'affiliation"
    # SED codes through a pattern entry.
    found = fr_en.find("Envoyez le SED A003 et le H001.")
    assert {m.text for m in found} == {"SED", "A003", "H001"}


def test_tsv_bad_lines_are_all_reported_with_file_line_and_fix(tmp_path):
    path = tmp_path / "custom.tsv"
    path.write_text("# comment\nsource\ttarget\tnote\nCARSAT\t=\n"
                    "détachement posting\n"          # spaces instead of a TAB
                    "\tposting\n"                     # no source
                    "pension\t\n"                     # no target
                    "CARSAT\tsomething else\n"        # conflicting duplicate
                    "a\tb\tc\td\n", "utf-8")          # too many columns
    with pytest.raises(GlossaryError) as error:
        load_glossary_file(path, "fr", "en")
    message = str(error.value)
    assert "custom.tsv has 5 bad line(s)" in message
    for line, hint in ((4, "TAB"), (5, "source term is empty"), (6, "`=` to keep"), (7, "already defined"),
                       (8, "remove the extra TABs")):
        assert f"custom.tsv, line {line}:" in message and hint in message, (line, hint)
    assert len(error.value.problems) == 5


def test_tsv_not_utf8_and_unknown_format(tmp_path):
    latin = tmp_path / "latin.tsv"
    latin.write_bytes("détachement\tposting\n".encode("latin-1"))
    with pytest.raises(GlossaryError, match="line 1: not UTF-8"):
        load_glossary_file(latin, "fr", "en")
    csv = tmp_path / "x.csv"
    csv.write_text("a,b")
    with pytest.raises(GlossaryError, match="unsupported format '.csv'"):
        load_glossary_file(csv, "fr", "en")


def test_tbx_terms_forbidden_variants_and_do_not_translate():
    data = """<?xml version="1.0"?>
<martif type="TBX" xml:lang="fr"><text><body>
 <termEntry id="1">
  <langSet xml:lang="fr"><tig><term>détachement</term></tig></langSet>
  <langSet xml:lang="en"><tig><term>posting</term></tig>
   <tig><term>secondment</term><termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig></langSet>
 </termEntry>
 <termEntry id="2">
  <langSet xml:lang="fr"><tig><term>URSSAF</term></tig></langSet>
  <langSet xml:lang="en"><tig><term>URSSAF</term></tig></langSet>
 </termEntry>
 <termEntry id="3"><langSet xml:lang="fr"><tig><term>orphelin</term></tig></langSet></termEntry>
</body></text></martif>""".encode()
    with pytest.raises(GlossaryError, match=r"line \d+: entry 'orphelin' has no usable en term"):
        parse_tbx(data, "fr", "en", origin="base.tbx")
    glossary = parse_tbx(data.replace(b'<termEntry id="3">', b'<termEntry id="3"><descrip type="x-doNotTranslate">yes</descrip>'),
                         "fr", "en")
    assert glossary.terms["détachement"].avoid == ("secondment",)
    assert glossary.terms["urssaf"].dnt and glossary.terms["orphelin"].dnt
    with pytest.raises(GlossaryError, match="not well-formed XML"):
        parse_tbx(b"<martif><body>", "fr", "en")


def test_protect_and_enforce():
    glossary = starter_glossary("fr", "en").merge(parse_tsv("source\ttarget\taccept\tavoid\nformulaire\tform\t\t", "fr", "en"))
    text = "Le travailleur détaché muni du formulaire A1 délivré par la CPAM bénéficie du maintien d'affiliation. Les détachements."
    matches = glossary.find(text)
    assert [m.expected for m in matches] == ["posted worker", "form", "A1", "CPAM", "continued affiliation", "postings"]
    protected = glossary.protect(text, matches)
    assert protected.startswith("Le posted worker muni du form A1") and "continued affiliation" in protected
    repaired, missing = glossary.enforce(
        "The seconded worker with form a1 issued by CPAM benefits from continued affiliation. The detachments.", matches)
    assert repaired == "The posted worker with form A1 issued by CPAM benefits from continued affiliation. The postings."
    assert missing == []
    _, missing = glossary.enforce("The employee with paper issued by the fund keeps affiliation.", matches)
    assert {m.text for m in missing} == {"travailleur détaché", "formulaire", "A1", "CPAM", "maintien d'affiliation",
                                         "détachements"}
