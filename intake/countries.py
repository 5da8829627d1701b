"""Country and territory codes for the intake forms: the shared registry (`liaison.coordination.places`)."""
from __future__ import annotations

from liaison.coordination.places import (  # noqa: F401
    all_countries, country_name, eu_eea_ch, france_dom, french_territories, is_country, nationality_group,
)

# Names this desk has always used, computed from the registry (no list of its own).
FRANCE_DOM = france_dom()
EU_EEA_CH = eu_eea_ch()
FRENCH_TERRITORIES = french_territories()
