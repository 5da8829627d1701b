"""Settings fields owned by `assistant` (merged into liaison.settings.Settings; env prefix LIAISON_)."""
from pydantic_settings import BaseSettings


class AssistantSettings(BaseSettings):
    pass
