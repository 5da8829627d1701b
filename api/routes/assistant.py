"""Routes for assistant (see its capability package)."""
from fastapi import APIRouter

router = APIRouter()
