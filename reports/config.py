"""Settings fields owned by `reports` (merged into liaison.settings.Settings; env prefix LIAISON_)."""
from pydantic_settings import BaseSettings


class ReportsSettings(BaseSettings):
    pass
