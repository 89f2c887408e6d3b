"""Real-sized detail payloads for speed benchmarks: TMDb's credits make a title ~165 KB, ours ~5 KB.

The demo catalog keeps the cast names it needs; a long-running TMDb title also credits hundreds
of crew members (grips, editors, caterers). Padding a details answer that carries `credits` with
such crew entries, in TMDb's own shape, lets a benchmark parse, normalise and cache what a real
sync does. Members' pages never see the padding: normalisation keeps the directors only.
"""

from __future__ import annotations

import json
from typing import Any

DEPARTMENTS = (("Crew", "Grip"), ("Editing", "Assistant Editor"), ("Sound", "Boom Operator"),
               ("Art", "Set Dresser"), ("Camera", "Camera Operator"), ("Costume & Make-Up", "Seamstress"))


def crew_member(title_id: int, number: int) -> dict[str, Any]:
    department, job = DEPARTMENTS[number % len(DEPARTMENTS)]
    return {
        "adult": False,
        "gender": number % 3,
        "id": 9_000_000 + title_id * 1000 + number,
        "known_for_department": department,
        "name": f"Crew Member {title_id}-{number}",
        "original_name": f"Crew Member {title_id}-{number}",
        "popularity": round(0.6 + number % 7 * 0.1, 3),
        "profile_path": None,
        "credit_id": f"{title_id:08x}{number:016x}",
        "department": department,
        "job": job,
    }


def pad_details(body: dict[str, Any], target_bytes: int) -> dict[str, Any]:
    """Add crew to a details body that has `credits` until its JSON is about `target_bytes` long."""
    credits = body.get("credits")
    if not target_bytes or not isinstance(credits, dict):
        return body
    missing = target_bytes - len(json.dumps(body))
    entry_size = len(json.dumps(crew_member(body.get("id", 0), 0))) + 2
    extra = [crew_member(body.get("id", 0), n) for n in range(max(0, missing // entry_size))]
    return body | {"credits": credits | {"crew": [*credits.get("crew", []), *extra]}}
