import pytest
from sqlalchemy import text

from liaison import audit
from liaison.db import get_engine

pytestmark = pytest.mark.integration


def test_entries_are_recorded_masked_and_cannot_be_changed(db_url):
    audit.record(db_url, actor="officer1", role="officer", action="case.read_personal", object_type="case",
                 object_id=7, source_ip="127.0.0.1", detail={"note": "called +33 6 12 34 56 78"})
    rows = audit.entries(db_url, object_type="case", object_id="7")
    assert [r.action for r in rows] == ["case.read_personal"]
    assert "[phone]" in rows[0].detail["note"]
    assert "officer1" in audit.export_csv(rows)
    with pytest.raises(Exception, match="append-only"):
        with get_engine(db_url).begin() as conn:
            conn.execute(text("DELETE FROM audit_log"))
    assert len(audit.entries(db_url)) == 1
