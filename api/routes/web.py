"""Routes for web (see its capability package)."""
from fastapi import APIRouter

router = APIRouter()
