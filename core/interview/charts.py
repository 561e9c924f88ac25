"""Pictures where people would rather look than read: a scorecard's scores as bars, progress as lines, as PNG bytes.

Drawn with matplotlib's Agg backend: it needs no display, browser or system library (plotly needs a headless Chrome
to write a PNG, pygal needs cairo), ships its own font, and draws one of these in 130-180 ms on one core
(bench/charts.py). Importing it takes most of a second, so it is imported on first use, and callers render off the
event loop (asyncio.to_thread).
"""

from __future__ import annotations

import io
import threading
from datetime import date
from typing import TYPE_CHECKING, Any

from core.domain.replies import Scorecard, ScoreItem

if TYPE_CHECKING:
    from core.interview.progress import Progress

# Phone-first: 6 x 4 inches at 160 dpi is 960 x 640 pixels, with type large enough to read at half that width.
SIZE_IN = (6.0, 4.0)
DPI = 160
FONT_PT = 11
# The score bands of the scorecard's colours: green from 8.5, blue from 7, amber from 5, orange below.
_BANDS = ((8.5, "#2ecc71"), (7.0, "#3498db"), (5.0, "#f1c40f"), (0.0, "#e67e22"))
_NO_SCORE = "#bdc3c7"
_KIND_MARK = {"question": "", "follow_up": " f/u", "hint": " hint"}
_LOCK = threading.Lock()  # pyplot is not used, but matplotlib's font cache is built once, by one thread


def band_colour(score: float | None) -> str:
    """The colour of a score's band (grey when there is no score)."""
    if score is None:
        return _NO_SCORE
    return next(colour for floor, colour in _BANDS if score >= floor)


def scorecard_png(card: Scorecard, *, day: date | None = None) -> bytes:
    """One bar per question–response pair, labelled with its score, the overall as a line, the role and the date."""
    figure, axes = _figure()
    labels, scores = _bar_labels(card), [_height(item) for item in card.items]
    axes.bar(range(len(scores)), scores, color=[band_colour(item.score) for item in card.items], width=0.7)
    for x, (item, height) in enumerate(zip(card.items, scores, strict=True)):
        shown = str(item.score) if item.score is not None else item.status.replace("_", " ")
        axes.text(x, height + 0.15, shown, ha="center", fontsize=FONT_PT - 1)
    axes.set_xticks(range(len(scores)), labels, fontsize=FONT_PT - 1)
    axes.set_ylim(0, 10)
    axes.set_yticks(range(0, 11, 2))
    axes.set_ylabel("score")
    if card.overall_score is not None:
        axes.axhline(card.overall_score, color="#34495e", linestyle="--", linewidth=1.5)
        axes.text(len(scores) - 0.5, card.overall_score + 0.2, f"overall {card.overall_score:.1f}", ha="right")
    overall = f"{card.overall_score:.1f}/10" if card.overall_score is not None else "not scored"
    when = f" · {day.isoformat()}" if day else ""
    axes.set_title(f"{card.role_title} · {overall}{when}", fontsize=FONT_PT + 2, fontweight="bold")
    return _png(figure, scorecard_alt(card))


def progress_png(progress: Progress, titles: dict[str, str]) -> bytes:
    """The overall score of each finished interview over time, a line per role; the weakest topics beside it."""
    figure, axes = _figure(columns=2 if progress.weak_topics else 1)
    trend = axes[0] if isinstance(axes, list) else axes
    for role, points in progress.roles.items():
        numbers = range(1, len(points) + 1)
        trend.plot(numbers, [p.overall_score for p in points], marker="o", label=titles.get(role, role))
    trend.set_ylim(0, 10)
    trend.set_xlabel("interview")
    trend.set_ylabel("overall score")
    trend.set_title("Your scores over time", fontsize=FONT_PT + 1, fontweight="bold")
    if progress.roles:
        trend.legend(fontsize=FONT_PT - 2, loc="lower right")
        trend.xaxis.get_major_locator().set_params(integer=True)
    if isinstance(axes, list):
        weak = axes[1]
        topics = list(reversed(progress.weak_topics))  # the weakest on top
        weak.barh(
            [t.topic for t in topics], [t.mean_score for t in topics], color=[band_colour(t.mean_score) for t in topics]
        )
        weak.set_xlim(0, 10)
        weak.set_title("Weakest topics", fontsize=FONT_PT + 1, fontweight="bold")
    return _png(figure, progress_alt(progress, titles))


def scorecard_alt(card: Scorecard) -> str:
    """What the scorecard chart shows, in words: its alt text, kept in the PNG as its Description."""
    bars = ", ".join(
        f"{label} {item.score if item.score is not None else item.status.replace('_', ' ')}"
        for label, item in zip(_bar_labels(card), card.items, strict=True)
    )
    overall = f"overall {card.overall_score:.1f} of 10" if card.overall_score is not None else "not scored"
    return f"{card.role_title} scorecard, {overall}: {bars}."


def progress_alt(progress: Progress, titles: dict[str, str]) -> str:
    """What the progress chart shows, in words: its alt text, kept in the PNG as its Description."""
    lines = [
        f"{titles.get(role, role)}: " + ", ".join(f"{p.overall_score:.1f}" for p in points)
        for role, points in progress.roles.items()
    ]
    weak = ", ".join(f"{t.topic} {t.mean_score:.1f}" for t in progress.weak_topics)
    return "Overall scores over time. " + "; ".join(lines) + (f". Weakest topics: {weak}." if weak else ".")


def _height(item: ScoreItem) -> float:
    """A bar's height: the score; 1 for a question skipped or left unanswered, as the overall counts it; else 0."""
    if item.score is not None:
        return float(item.score)
    return 1.0 if item.status in ("skipped", "unanswered") else 0.0


def _bar_labels(card: Scorecard) -> list[str]:
    """Q1, Q1 f/u, Q2...: the main question each pair belongs to, and what kind of pair it is."""
    labels, main = [], 0
    for item in card.items:
        main += item.kind == "question"
        labels.append(f"Q{max(main, 1)}{_KIND_MARK.get(item.kind, '')}")
    return labels


def _figure(columns: int = 1) -> tuple[Any, Any]:
    with _LOCK:
        from matplotlib.figure import Figure  # the Agg canvas, with no GUI backend and no global state of pyplot

    width = SIZE_IN[0] * (1.6 if columns == 2 else 1)
    figure = Figure(figsize=(width, SIZE_IN[1]), dpi=DPI, layout="constrained")
    if columns == 1:
        return figure, figure.add_subplot()
    return figure, list(figure.subplots(1, 2, width_ratios=(3, 2)))


def _png(figure: Any, description: str) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png", metadata={"Software": None, "Description": description})
    return out.getvalue()
