"""Settings fields owned by `translation` (merged into liaison.settings.Settings; env prefix LIAISON_)."""
from pydantic_settings import BaseSettings


class TranslationSettings(BaseSettings):
    pass
