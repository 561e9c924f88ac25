"""Postings for the Discord tailoring tests, and the intro a tailored interview opens with."""

from __future__ import annotations

from typing import Any

from tests.fakes.discord_server import FakeDiscord

POSTING = """Data Scientist, Growth

What you'll do:
- Design and analyse A/B tests and experiments for the growth team
- Build churn and propensity models in Python and SQL
- Explain results to non-technical stakeholders

Requirements
- Strong statistics: hypothesis testing, p-values, causal inference
- Experience with feature engineering and gradient boosting
"""
REQUIREMENT = "Design and analyse A/B tests and experiments for the growth team"
GERMAN = (
    "Wir suchen eine Data Scientist (m/w/d) für unser Team in Berlin. Du entwickelst Modelle mit Python und SQL "
    "und bist für die Auswertung von Experimenten verantwortlich. Wir bieten dir ein tolles Team und flexible "
    "Arbeitszeiten."
)
RESUME = """Jane Doe
Senior Data Scientist, Acme Bank, 2019-2023
- Built a churn model that cut churn by 8 % across 2 million customers.
- Migrated reporting from Excel to dbt and Looker, saving 20 hours a week.
"""
TAILORED_TO_POSTING = "mock interview, tailored to the job posting**"
ANSWER = (
    "I would randomise users into control and treatment, fix the metric and the sample size with a power analysis "
    "first, run it for full weeks, and check the p-value and the confidence interval before deciding."
)


def intros(fake: FakeDiscord, channel_id: str) -> list[dict[str, Any]]:
    """The tailored intros the bot sent in a channel."""
    return [m for m in fake.sent_in(channel_id) if TAILORED_TO_POSTING in m["content"]]
