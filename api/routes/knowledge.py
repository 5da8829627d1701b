"""Routes for knowledge (see its capability package)."""
from fastapi import APIRouter

router = APIRouter()
