"""What the fake OpenAI server answers by default: plausible JSON for the schemas Mock Interview Coach asks for."""

from __future__ import annotations

import json
import re
from typing import Any

from tests.fakes.openai_grading import grade_reply

SCHEMA_NAMES = ("interviewer_move", "answer_grade", "interview_summary", "tailored_questions")
FOLLOW_UP = "Can you go deeper: what trade-offs would you weigh there?"
_ANSWER_RE = re.compile(r"<candidate_answer>(.*?)</candidate_answer>", re.S)
_QUESTION_RE = re.compile(r"<question>(.*?)</question>", re.S)
_REQUIREMENT_RE = re.compile(r"^\d+\. (.+)$", re.M)
_WANTED_RE = re.compile(r"^Questions wanted: (\d+)$", re.M)
# One item a careless model writes: not a question at all, which our checks must refuse.
NOT_A_QUESTION = "Tell me about your background and your experience with the tools listed in the posting."
_PLANNED_RE = re.compile(r"^Next main question: (?!none: )(.+)$", re.M)  # the interviewer prompt's planned question


def message_text(message: dict[str, Any]) -> str:
    """The text of a chat message whose content is a string or a list of parts."""
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return ""


def default_content(body: dict[str, Any], answered: int) -> str:
    """Plausible JSON for our schemas, chosen by json_schema name or by the schema named in the prompt."""
    messages = [m for m in body.get("messages", []) if isinstance(m, dict)]
    users = [message_text(m) for m in messages if m.get("role") == "user"]
    # The last user message that carries the turn (a retry nudge may come after it).
    turn = next((t for t in reversed(users) if "<candidate_answer>" in t or "Instruction:" in t), "")
    turn = turn or (users[-1] if users else "")
    # The last block is the answer just given; earlier ones are recent exchanges kept for context.
    found = ([*_ANSWER_RE.finditer(turn)] or [None])[-1]
    answer = found.group(1).strip() if found else ""
    words = answer.split()
    name = _schema_name(body, messages)
    if name == "interviewer_move":
        data: dict[str, Any] = _interviewer_move(turn, found is not None, words, answered)
    elif name == "answer_grade":
        system = "\n".join(message_text(m) for m in messages if m.get("role") == "system")
        data = grade_reply(system, answer)  # per-criterion when our prompt asks for it (see openai_grading)
    elif name == "interview_summary":
        data = {
            "summary": "A solid interview: clear explanations, with room for more depth on trade-offs.",
            "top_strengths": ["Clear structure"],
            "focus_next": ["Quantify trade-offs with concrete numbers"],
        }
    elif name == "tailored_questions":
        data = {"questions": written_questions(users[-1] if users else "")}
    else:
        data = {"ok": True}
    return json.dumps(data)


def written_questions(prompt: str) -> list[dict[str, Any]]:
    """As a model would: a question per requirement listed in the prompt, as many as wanted, then one bad item."""
    requirements = [r.strip() for r in _REQUIREMENT_RE.findall(prompt)]
    wanted = _WANTED_RE.search(prompt)
    items: list[dict[str, Any]] = [
        {
            "question": f"In your last role, how did you handle {r[0].lower() + r[1:]}, and what would you change now?",
            "key_points": [f"A concrete example of {r}", "The result, with a number", "What they would change"],
            "hint": "Pick one project and walk through it from the problem to the result.",
            "requirement": r,
        }
        for r in requirements[: int(wanted.group(1)) if wanted else 3]
    ]
    items.append({"question": NOT_A_QUESTION, "key_points": ["x", "y"], "hint": "", "requirement": ""})
    return items


def _schema_name(body: dict[str, Any], messages: list[dict[str, Any]]) -> str | None:
    fmt = body.get("response_format")
    if isinstance(fmt, dict) and isinstance(fmt.get("json_schema"), dict) and fmt["json_schema"].get("name"):
        return str(fmt["json_schema"]["name"])
    # Our client names the schema in a system message for json_object and plain-text servers.
    ordered = [m for m in reversed(messages) if m.get("role") == "system"] + messages
    for text in map(message_text, ordered):
        for name in SCHEMA_NAMES:
            if name in text:
                return name
    return None


def _interviewer_move(turn: str, has_answer: bool, words: list[str], answered: int) -> dict[str, Any]:
    note = " ".join(words[:8])
    hint = any(line.strip().lower().startswith("instruction: give a hint") for line in turn.splitlines())
    if hint:
        found = _QUESTION_RE.search(turn)
        question = found.group(1).strip() if found else "What would you weigh first?"
        return {
            "action": "hint",
            "message": f"Hint: think about the trade-offs. {question}",
            "note": note,
        }
    if has_answer and len(words) < 12:
        return {"action": "follow_up", "message": FOLLOW_UP, "note": note}
    # As a real model does: the planned question from the prompt, in words of its own around it.
    planned = _PLANNED_RE.search(turn)
    asked = planned.group(1).strip() if planned else "tell me about a time you had to debug a hard problem."
    message = f"Fake question {answered}: {asked}"
    return {"action": "next_question", "message": message, "note": note}
