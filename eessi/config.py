"""Settings fields owned by the EESSI desk (merged into liaison.settings.Settings; env prefix LIAISON_)."""
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings

# The shared corpus sits next to the repository (../shared); a deployment points the setting elsewhere.
DEFAULT_CATALOGUE = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "facts" / "eessi-buc-sed-catalogue.md"


class EessiSettings(BaseSettings):
    eessi_catalogue_path: Path = Field(
        DEFAULT_CATALOGUE, description="The EESSI BUC/SED/portable-document catalogue (Markdown, three tables and a "
        "source list); its companion '<name>-notes.md' (gaps and conflicts) is read from the same folder.")
    eessi_max_upload_mb: float = Field(
        20, gt=0, description="Largest exchange-count file (CSV or XLSX) accepted, in MB.")
