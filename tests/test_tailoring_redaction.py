"""Redaction: e-mails, phone numbers, street addresses and links go; the numbers a résumé is about stay."""

from __future__ import annotations

import pytest

from core.tailoring.redaction import redact


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("Write to jane.doe+cv@example.co.uk today", "Write to [email] today"),
        ("JOHN_SMITH@Mail.COM.", "[email]."),
        ("(jane@doe.dev)", "([email])"),
    ],
)
def test_email_addresses_go(text: str, redacted: str) -> None:
    assert redact(text) == redacted


@pytest.mark.parametrize(
    "phone",
    [
        "+44 20 7946 0958",
        "+1 (415) 555-0123",
        "+33 6 12 34 56 78",
        "+49 30 12345678",
        "+919876543210",
        "(415) 555-0123",
        "415-555-0123",
        "415.555.0123",
        "020 7946 0958",
        "07700 900123",
        "0176 12345678",
        "030/1234567",
        "06 12 34 56 78",
        "4155550123",
    ],
)
def test_phone_numbers_go_in_international_and_local_formats(phone: str) -> None:
    assert redact(f"Jane Doe | {phone} | Leeds") == "Jane Doe | [phone] | Leeds"
    assert redact(f"Mobile: {phone}.") == "Mobile: [phone]."


def test_a_labelled_number_is_a_phone_whatever_its_shape() -> None:
    assert redact("Tel.: 2019 2023") == "Tel.: [phone]"
    assert redact("Telefon 0301234 567") == "Telefon [phone]"


@pytest.mark.parametrize(
    "text",
    [
        "5+ years of experience with SQL",
        "Data analyst, 2019–2023",
        "Data analyst, 2019 - 2023 and 2015/2019",
        "Cut churn by 8 % and raised retention by 12.5%",
        "Salary: $120,000 to $140,000 a year",
        "Budget of €85.000; revenue of 1.200.000 €; £1.2M pipeline",
        "Served 1,000,000 users and 1 000 000 requests a day",
        "Started 2023-01-15, left 15.01.2024, promoted 01/15/2022",
        "Upgraded Python 3.11.4 to 3.12; ISO 27001 audit; top 10% of the cohort",
        "Q3 2023 launch; grew ARR from $2M to $5.5M in 18 months; managed 12 people across 3 sites",
        "Served 192.168.1.1 traffic; order 20230115",
    ],
)
def test_ordinary_job_text_and_its_numbers_survive(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("Home: 221B Baker Street, London NW1 6XE", "Home: [address]"),
        ("1600 Amphitheatre Parkway, Mountain View, CA 94043", "[address]"),
        ("Lives at 10 Downing St., London SW1A 2AA.", "Lives at [address]."),
        ("350 Fifth Avenue, Suite 300, New York, NY 10118", "[address]"),
        ("Hauptstraße 5, 10115 Berlin", "[address]"),
        ("Am Lindenweg 12a, 80331 München", "[address]"),
        ("Via Roma 3, 00184 Roma", "[address]"),
        ("12 rue de la Paix, 75002 Paris", "[address]"),
        ("P.O. Box 1234", "[address]"),
        ("Address: Flat 3, Some Building, Leeds\nSkills: SQL", "Address: [address]\nSkills: SQL"),
    ],
)
def test_street_addresses_go(text: str, redacted: str) -> None:
    assert redact(text) == redacted


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("linkedin.com/in/jane-doe-123", "[link]"),
        ("https://www.linkedin.com/in/janedoe/", "[link]"),
        ("github.com/janedoe, gitlab.com/jd", "[link], [link]"),
        ("Portfolio: https://janedoe.dev/projects?id=3.", "Portfolio: [link]."),
        ("See www.jane.io or janedoe.dev!", "See [link] or [link]!"),
        ("(http://example.org/a_b)", "([link])"),
    ],
)
def test_links_go_profiles_and_personal_sites_alike(text: str, redacted: str) -> None:
    assert redact(text) == redacted


def test_tool_names_that_look_like_domains_stay() -> None:
    text = "Skills: socket.io, ASP.NET, Node.js, Vue.js, README.md, e.g. pandas"
    assert redact(text) == text


def test_a_whole_resume_header_keeps_its_name_and_loses_its_details() -> None:
    header = (
        "Jane Doe\n"
        "221B Baker Street, London NW1 6XE | +44 20 7946 0958 | jane@doe.dev\n"
        "linkedin.com/in/janedoe · github.com/janedoe\n"
        "Senior data scientist, 2019–2023: cut churn by 8 % for 1,000,000 users."
    )
    assert redact(header) == (
        "Jane Doe\n"
        "[address] | [phone] | [email]\n"
        "[link] · [link]\n"
        "Senior data scientist, 2019–2023: cut churn by 8 % for 1,000,000 users."
    )
