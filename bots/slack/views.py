"""What every view_submission of our forms carries: the view, who sent it, and the metadata the form was opened with."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Submission:
    """A submitted form: its callback id and view id, the sender, the metadata we put in it, its fields' state."""

    callback_id: str
    view_id: str
    user: str
    meta: dict[str, Any]
    values: dict[str, Any]


def submission(body: dict[str, Any]) -> Submission | None:
    """The submission in a view_submission body; None without a view id or a sender, or with metadata that is not
    what we write (a JSON object)."""
    view = body.get("view") or {}
    user = str((body.get("user") or {}).get("id") or "")
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return None
    if not isinstance(meta, dict) or not user or not view.get("id"):
        return None
    values = (view.get("state") or {}).get("values") or {}
    return Submission(str(view.get("callback_id") or ""), str(view["id"]), user, meta, values)
