"""Settings fields owned by `reports` (merged into liaison.settings.Settings; env prefix LIAISON_)."""
from pydantic import Field
from pydantic_settings import BaseSettings


class ReportsSettings(BaseSettings):
    reports_max_upload_mb: float = Field(
        50, gt=0, description="Largest statistical return accepted (CSV or XLSX file), in MB; larger files "
        "are refused before they are read.")
    reports_max_unpacked_mb: float = Field(
        600, gt=0, description="Largest uncompressed content of an XLSX file, in MB (guards against zip bombs).")
    reports_max_errors: int = Field(
        200, ge=1, description="Line-level errors kept and shown per rejected return (all are counted).")
    reports_open_data_min_count: int = Field(
        5, ge=1, description="Open data: counts from 1 to this minus one (and the amounts tied to them) "
        "are suppressed so that no small group of persons can be singled out.")
    reports_top_countries: int = Field(15, ge=1, le=60, description="Partner countries shown in the report.")
    reports_demo_years: list[int] = Field(
        default_factory=lambda: [2024, 2025], description="Years of synthetic returns made by `liaison demo`.")
