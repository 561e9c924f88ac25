"""`mock-interview practice --jd FILE --resume FILE`, run as a person runs it: the real CLI in a child process, real
PDF and Word files, the built-in coach, or the model behind the loopback fake. The refusals call the same entry
point in this process."""

from __future__ import annotations

from pathlib import Path

from tests.tailoring_support import make_docx, make_pdf
from tests.test_cli import GOOD, call_cli, env, fake_server_url, run_cli  # noqa: F401  (fixtures)
from tests.test_tailored_interviews import POSTING, RESUME


def _said(stdout: str) -> str:
    """What the CLI printed, with the terminal's line wrapping undone."""
    return " ".join(stdout.split())


def test_a_practice_tailored_to_a_pdf_posting_and_a_word_resume_ends_with_the_fit(
    tmp_path: Path,
    env: dict[str, str],  # noqa: F811
) -> None:
    posting, resume = tmp_path / "posting.pdf", tmp_path / "cv.docx"
    posting.write_bytes(make_pdf([POSTING]))
    resume.write_bytes(make_docx(RESUME))
    args = ["practice", "--jd", str(posting), "--resume", str(resume), "--questions", "3", "--user", "cli-tailor"]
    done = run_cli(args, env, stdin=f"{GOOD}\n" * 12 + "end\n")
    said = _said(done.stdout)
    assert done.returncode == 0, done.stderr
    assert "tailored to the job posting and your résumé" in said
    assert "You write that you built a churn model that cut monthly churn by 8%" in said
    assert "Fit for the posting" in said and "your résumé: answer" in said
    assert "jane.doe@" not in said and "Elm Street" not in said


def test_a_posting_the_cli_cannot_use_says_why_and_exits_2(
    tmp_path: Path,
    env: dict[str, str],  # noqa: F811
) -> None:
    fake_pdf = tmp_path / "posting.pdf"
    fake_pdf.write_text("Senior data scientist wanted.")
    done = call_cli(["practice", "--jd", str(fake_pdf), "--user", "cli-tailor-bad"], env)
    assert done.returncode == 2
    assert "posting.pdf is not a PDF" in _said(done.stdout)
    missing = call_cli(["practice", "--jd", str(tmp_path / "nope.md"), "--user", "cli-tailor-bad"], env)
    assert missing.returncode == 2 and "There is no file at" in missing.stderr
    alone = call_cli(["practice", "--resume", str(fake_pdf), "--user", "cli-tailor-bad"], env)
    assert alone.returncode == 2 and "is not a PDF" in _said(alone.stdout)


def test_with_a_model_the_practice_asks_a_question_written_for_the_posting(
    tmp_path: Path,
    env: dict[str, str],  # noqa: F811
    fake_server_url: str,  # noqa: F811
) -> None:
    posting = tmp_path / "posting.md"
    posting.write_text(POSTING)
    model = {**env, "OPENAI_API_KEY": "sk-test-key-for-fake", "OPENAI_BASE_URL": fake_server_url}
    args = ["practice", "--jd", str(posting), "--role", "data-science", "--questions", "2", "--user", "cli-tailor-ai"]
    done = call_cli(args, model, stdin=f"{GOOD}\n{GOOD}\n{GOOD}\nend\n")
    said = _said(done.stdout)
    assert done.returncode == 0, done.stderr
    assert "In your last role, how did you handle" in said
