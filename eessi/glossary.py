"""Every BUC id, SED code, portable document and old E-form of the catalogue as a do-not-translate term
of the translation desk's glossaries (origin `eessi-catalogue:<version>`), so "LA_BUC_01", "S053A" or
"U001CB" come out of any engine unchanged. The starter and stored glossaries still override these
entries (they carry notes); a missing catalogue only means no extra terms."""
from __future__ import annotations

import logging

log = logging.getLogger("liaison.eessi")


def catalogue_codes(catalogue) -> list[str]:
    codes = [*catalogue.bucs, *catalogue.seds, *catalogue.documents, *catalogue.e_forms()]
    return [c for c in dict.fromkeys(codes) if not c.endswith("_XX")]


def eessi_glossary(settings, source_lang: str, target_lang: str):
    from eessi.catalogue import CatalogueError
    from eessi.service import catalogue_for
    from translation.glossary import Glossary, GlossaryTerm

    glossary = Glossary(source_lang, target_lang)
    try:
        catalogue = catalogue_for(settings.eessi_catalogue_path)
    except (CatalogueError, OSError) as exc:
        log.warning("EESSI codes not protected in translations: %s", exc)
        return glossary
    origin = f"eessi-catalogue:{catalogue.version}"
    for code in catalogue_codes(catalogue):
        glossary.add(GlossaryTerm(source=code, target=code, dnt=True, note="EESSI code", origin=origin))
    # P3000_XX is one SED per country (P3000_DK, P3000_NO ...)
    glossary.add(GlossaryTerm(source=r"P3000_[A-Z]{2}", target=r"P3000_[A-Z]{2}", dnt=True, pattern=True,
                              note="EESSI country-specific pension SED", origin=origin))
    return glossary
