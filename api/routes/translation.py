"""Routes for translation (see its capability package)."""
from fastapi import APIRouter

router = APIRouter()
