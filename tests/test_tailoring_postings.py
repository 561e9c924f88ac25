"""Reading a job posting with no model: its role pack, seniority, requirements and language."""

from __future__ import annotations

import pytest

from core.domain.commands import Level
from core.tailoring.language import guess_language, language_name
from core.tailoring.postings import MIN_CONFIDENCE, read_posting, read_seniority
from core.tailoring.requirements import MAX_REQUIREMENTS, extract_requirements, to_phrase
from tests.tailoring_support import CATALOG

DATA_SCIENCE = """Senior Data Scientist (Churn)

About us
We are a fintech helping 2 million people save. You will love our culture.

What you'll do:
- Design and analyse A/B tests and experiments for the growth team
- Build churn and propensity models in Python and SQL
- Explain results to non-technical stakeholders
- You will own model evaluation and monitoring in production.

Requirements
- 5+ years of experience in data science
- Strong statistics: hypothesis testing, p-values, causal inference
- Experience with feature engineering and gradient boosting
- experience with feature engineering and gradient boosting.

Benefits
- 30 days of holiday
- Pension and health insurance
"""


@pytest.mark.parametrize(
    ("posting", "role_id"),
    [
        (DATA_SCIENCE, "data-science"),
        (
            "Backend Engineer\nWe build distributed systems in Go. You will design APIs, review code and debug "
            "production incidents. Experience with concurrency, databases and system design is required.",
            "software-engineering",
        ),
        ("Marketing Manager\nRun paid search, SEO and email campaigns; own ROAS and CAC.", "digital-marketing"),
        ("Product Manager\nOwn the roadmap, prioritise, run discovery, define metrics.", "product-management"),
        ("HR Business Partner\nRecruitment, onboarding, performance management, employment law.", "human-resources"),
        ("Trainee Solicitor\nDraft contracts, run due diligence, support negotiations on data protection.", "law"),
        ("Frontend Developer\nReact, CSS layout, HTTP caching, authentication and browser rendering.", "full-stack"),
    ],
)
def test_a_posting_finds_its_role_pack(posting: str, role_id: str) -> None:
    read = read_posting(posting, CATALOG)
    assert (read.role_id, read.confidence >= MIN_CONFIDENCE) == (role_id, True), read


@pytest.mark.parametrize(
    "posting",
    [
        "Pastry Chef\nWe are looking for a pastry chef to bake croissants, cakes and bread in our bakery. "
        "You will prepare desserts and manage the oven.",
        "Lorry driver wanted for night shifts. Clean licence, forklift certificate.",
        "",
    ],
)
def test_a_posting_for_none_of_our_roles_gets_no_pack(posting: str) -> None:
    read = read_posting(posting, CATALOG)
    assert read.role_id is None and read.confidence < MIN_CONFIDENCE


def test_the_general_behavioral_pack_is_never_the_role_of_a_posting() -> None:
    posting = "Team Lead\nGive feedback, resolve conflict, influence stakeholders, motivate the team, take ownership."
    assert read_posting(posting, CATALOG).role_id != "behavioral"


@pytest.mark.parametrize(
    ("posting", "seniority", "level"),
    [
        ("Principal Software Engineer\nYou will mentor junior engineers.", "principal", Level.SENIOR),
        ("Staff Data Scientist", "staff", Level.SENIOR),
        ("Engineering Lead, Payments", "lead", Level.SENIOR),
        ("Sr. Product Manager", "senior", Level.SENIOR),
        ("Mid-level Backend Developer", "mid", Level.MID),
        ("Junior Analyst", "junior", Level.JUNIOR),
        ("Graduate Software Engineer", "junior", Level.JUNIOR),
        ("Data Science Intern (Summer 2026)", "intern", Level.JUNIOR),
        ("Backend Developer\nYou have 3-5 years of experience with Go.", "3+ years", Level.MID),
        ("Backend Developer\nYou have 7+ years of experience with Go.", "7+ years", Level.SENIOR),
        ("Backend Developer\nYou have 1 year of experience, or a degree.", "1+ years", Level.JUNIOR),
        ("Backend Developer\nYou will work with senior engineers.", "senior", Level.SENIOR),
        ("Backend Developer\nBuild services in Go.", None, None),
        ("Lead Generation Specialist", None, None),
    ],
)
def test_seniority_maps_to_the_projects_levels(posting: str, seniority: str | None, level: Level | None) -> None:
    assert read_seniority(posting) == (seniority, level)


def test_requirements_come_from_bullets_outside_benefits_as_short_unique_phrases() -> None:
    assert read_posting(DATA_SCIENCE, CATALOG).requirements == (
        "Design and analyse A/B tests and experiments for the growth team",
        "Build churn and propensity models in Python and SQL",
        "Explain results to non-technical stakeholders",
        "Own model evaluation and monitoring in production",
        "5+ years of experience in data science",
        "Strong statistics: hypothesis testing, p-values, causal inference",
        "Experience with feature engineering and gradient boosting",
    )


def test_requirements_come_from_asking_sentences_when_there_are_no_bullets() -> None:
    posting = (
        "We are a friendly startup in Leeds. You will design APIs and review code. "
        "Experience with PostgreSQL is required. We have a dog in the office."
    )
    assert extract_requirements(posting) == ["Design APIs and review code", "Experience with PostgreSQL"]


def test_requirements_are_capped_and_long_ones_keep_their_first_clause() -> None:
    tools = "Python Java Go Rust Scala Kotlin Swift Ruby PHP Perl Haskell Elixir Erlang Clojure Lua Julia".split()
    posting = "\n".join(f"- Experience with {tool} in production" for tool in tools)
    assert len(extract_requirements(posting)) == MAX_REQUIREMENTS
    long = "- Deep experience with Kubernetes; you will run our clusters, upgrade them and handle incidents at night"
    assert extract_requirements(long) == ["Deep experience with Kubernetes"]
    assert all(len(phrase) <= 80 for phrase in extract_requirements("- " + "word " * 60))


@pytest.mark.parametrize(
    ("line", "phrase"),
    [
        ("You will build dashboards.", "Build dashboards"),
        ("we're looking for a strong communicator", "Strong communicator"),
        ("SQL", "SQL"),
        ("C#", "C#"),
        ("Teamwork", ""),
        ("Kubernetes is a plus!", ""),
    ],
)
def test_a_requirement_line_becomes_a_short_phrase(line: str, phrase: str) -> None:
    assert to_phrase(line) == phrase


GERMAN = (
    "Wir suchen eine Data Scientist (m/w/d) für unser Team in Berlin. Du entwickelst Modelle mit Python und SQL "
    "und bist für die Auswertung von Experimenten verantwortlich. Wir bieten dir ein tolles Team und flexible "
    "Arbeitszeiten."
)
FRENCH = (
    "Nous recherchons un Data Scientist pour notre équipe à Paris. Vous serez responsable de la conception des "
    "modèles et de la communication avec les équipes produit. Une expérience avec Python et SQL est requise."
)
SPANISH = (
    "Buscamos un Data Scientist para nuestro equipo en Madrid. Serás responsable del diseño de los modelos y de la "
    "comunicación con el equipo de producto. Se requiere experiencia con Python y SQL."
)


@pytest.mark.parametrize(
    ("text", "code", "name"),
    [(GERMAN, "de", "German"), (FRENCH, "fr", "French"), (SPANISH, "es", "Spanish"), (DATA_SCIENCE, "en", "English")],
)
def test_a_posting_not_in_english_is_named_by_its_language(text: str, code: str, name: str) -> None:
    read = read_posting(text, CATALOG)
    assert (read.language, read.in_english, language_name(read.language)) == (code, code == "en", name)


def test_an_english_posting_with_foreign_words_or_too_short_to_tell_counts_as_english() -> None:
    assert guess_language("Data Scientist (m/w/d), Berlin. " + DATA_SCIENCE) == "en"
    assert guess_language("Entwickler gesucht") == "en"
