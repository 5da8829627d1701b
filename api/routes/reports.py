"""Routes for reports (see its capability package)."""
from fastapi import APIRouter

router = APIRouter()
