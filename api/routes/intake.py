"""Routes for intake (see its capability package)."""
from fastapi import APIRouter

router = APIRouter()
