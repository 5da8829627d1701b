"""Passages built from real `ingest.types.Hit` records (text quoted from the CSS, abridged)."""
from __future__ import annotations

from ingest.types import Hit

from assistant.retrieval import Passage

CSS = "fr/code-securite-sociale/CSS_livre-VII_titre-VI_assures-residant-a-l-etranger.json"
L761_2 = ("Code de la sécurité sociale > Partie législative > Livre VII > Titre VI\nArticle L761-2\n"
          "Les travailleurs détachés temporairement à l'étranger par leur employeur pour y exercer une activité salariée "
          "sont soumis à la législation française de sécurité sociale à la condition que l'employeur s'engage à "
          "s'acquitter de l'intégralité des cotisations dues.")
R761_1 = ("Code de la sécurité sociale > Partie réglementaire > Livre VII > Titre VI\nArticle R761-1\n"
          "Les travailleurs détachés temporairement à l'étranger peuvent être admis au bénéfice de l'article L. 761-2 "
          "pour une durée maximale de trois ans, renouvelable une fois. Cette condition n'est pas applicable dans le "
          "cas du détachement d'une durée inférieure à trois mois.")


def passage(text: str, ref: str, rank: int = 0, path: str = CSS, **meta) -> Passage:
    metadata = {"path": path, "ref": ref, "title": f"Article {ref}", "instrument_type": "french_code",
                "hierarchy": "Code de la sécurité sociale > Partie législative", "language": "fr",
                "version_date": 19851221, "status": "VIGUEUR", "countries": "|FR|", "url": "https://example.org/" + ref}
    metadata.update(meta)
    return Passage(hit=Hit(chunk_id=f"c-{ref}", text=text, score=1.0 - rank / 10, metadata=metadata), rank=rank,
                   text=text)
