"""`/certification/{movie,tv}/list` for the countries the sandbox rates (data/certifications.json)."""

from __future__ import annotations

import json
from pathlib import Path

CERTIFICATIONS_FILE = Path(__file__).resolve().parent / "data" / "certifications.json"

LISTS: dict[str, dict[str, list[dict]]] = json.loads(CERTIFICATIONS_FILE.read_text(encoding="utf-8"))
