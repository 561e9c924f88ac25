"""Résumé claims worth asking about, and the questions they become."""

from __future__ import annotations

from core.tailoring.redaction import redact
from core.tailoring.resumes import MAX_CLAIMS, Claim, claim_question, read_resume

RESUME = """Jane Doe
221B Baker Street, London NW1 6XE | +44 20 7946 0958 | jane@doe.dev | linkedin.com/in/janedoe
Skills: Python, SQL, Tableau, dbt, Airflow, Looker
Experience
Senior Data Scientist, Acme Bank — 2019–2023
- Built a churn model that cut churn by 8 % across 2 million customers.
- Presented results to the board every quarter.
- Led a team of 5 analysts and introduced code review.
- Migrated reporting from Excel to dbt and Looker, saving 20 hours a week.
- Team player with a passion for data
Education
BSc Mathematics, University of Leeds, 2015–2019
"""


def test_claims_with_numbers_come_first_and_headings_contacts_skills_and_dates_are_left_out() -> None:
    claims = read_resume(redact(RESUME))
    assert [c.text for c in claims] == [
        "Built a churn model that cut churn by 8 % across 2 million customers",
        "Migrated reporting from Excel to dbt and Looker, saving 20 hours a week",
        "Led a team of 5 analysts and introduced code review",
        "Presented results to the board every quarter",
    ]
    assert [(c.has_number, c.measured) for c in claims] == [(True, True), (True, True), (True, False), (False, False)]


def test_a_claim_becomes_one_question_in_the_candidates_own_words() -> None:
    churn, _, team, board = read_resume(RESUME)
    assert claim_question(churn) == (
        "You write that you built a churn model that cut churn by 8 % across 2 million customers — "
        "how did you measure that, and what was your own part in it?"
    )
    assert claim_question(team).startswith("You write that you led a team of 5 analysts")
    assert claim_question(board).endswith("what was the hardest decision you made there, and why?")
    assert all(claim_question(c).count("?") == 1 for c in read_resume(RESUME))


def test_first_person_and_verbless_claims_read_well() -> None:
    assert claim_question(Claim("I reduced cloud costs by 30%", True, True)).startswith(
        "You write that you reduced cloud costs by 30%"
    )
    assert claim_question(Claim("Responsible for the data platform of 3 teams", True, False)).startswith(
        "You write that you were responsible for the data platform"
    )
    assert claim_question(Claim("Churn model for 2 million customers", True, False)).startswith(
        "You write that “Churn model for 2 million customers”"
    )


def test_claims_are_capped_deduplicated_and_kept_short() -> None:
    lines = [f"- Built pipeline number {n} that cut costs by {n} %" for n in range(20)]
    claims = read_resume("\n".join([*lines, lines[0]]))
    assert len(claims) == MAX_CLAIMS and len({c.text for c in claims}) == MAX_CLAIMS
    assert claims[0].text == "Built pipeline number 0 that cut costs by 0 %"
    long = read_resume("- Built " + "a very long description of a project " * 5)
    assert len(long) == 1 and len(long[0].text) <= 140 and long[0].text.endswith("…")


def test_a_resume_with_nothing_to_ask_about_gives_no_claims() -> None:
    assert read_resume("Jane Doe\nPython, SQL, Tableau\n2019–2023\n[email] | [phone]") == []
    assert read_resume("") == []
