"""Codes in shown texts become links; everything else is escaped."""
from __future__ import annotations

import pytest

from eessi.links import link_codes

pytestmark = pytest.mark.unit


def test_codes_link_to_their_pages(catalogue):
    html = str(link_codes("The S1 replaced the E106; an A001 opens LA_BUC_01. Art. R767-2 <b>x</b>", catalogue))
    assert '<a class="eessi-code" href="/console/eessi/forms/S1">S1</a>' in html
    assert '<a class="eessi-code" href="/console/eessi/forms/E106">E106</a>' in html
    assert '<a class="eessi-code" href="/console/eessi/seds/A001">A001</a>' in html
    assert '<a class="eessi-code" href="/console/eessi/bucs/LA_BUC_01">LA_BUC_01</a>' in html
    assert "R767-2" in html and "eessi/seds/R767" not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html


def test_public_base_and_spaced_e_form(catalogue):
    html = str(link_codes("formulaire E 112", catalogue, "/eessi"))
    assert '<a class="eessi-code" href="/eessi/forms/E112">E 112</a>' in html


def test_codes_not_in_the_catalogue_stay_text(catalogue):
    assert str(link_codes("A999 and E999 and L761-2 and 883/2004", catalogue)) == \
        "A999 and E999 and L761-2 and 883/2004"
