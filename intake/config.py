"""Settings fields owned by `intake` (merged into liaison.settings.Settings; env prefix LIAISON_)."""
from pydantic_settings import BaseSettings


class IntakeSettings(BaseSettings):
    pass
