"""Several workspaces: the install link, the OAuth redirect, installations in our database, per-workspace tokens."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlparse

from sqlalchemy import text

from bots.slack.installs import ThreadedInstallationStore
from db.engine import create_db_engine
from tests.fakes.slack_payloads import form_body, slash_command
from tests.fakes.slack_server import BOT_USER_ID
from tests.slack_support import FORM, slack_harness

CLIENT_ID = "1111.2222"
SECOND_TEAM = "T0SECOND"
SECOND_TOKEN = "xoxb-second-workspace-token"


def _access(code: str) -> dict:
    """What oauth.v2.access answers for a bot install."""
    return {
        "ok": True,
        "access_token": SECOND_TOKEN,
        "token_type": "bot",
        "scope": "commands,chat:write",
        "bot_user_id": BOT_USER_ID,
        "app_id": "A0FAKE",
        "team": {"name": "Second", "id": SECOND_TEAM},
        "enterprise": None,
        "authed_user": {"id": "U0INSTALLER"},
        "is_enterprise_install": False,
    }


async def test_install_then_serve_the_new_workspace_with_its_own_token(database_url: str) -> None:
    settings = {"SLACK_CLIENT_ID": CLIENT_ID, "SLACK_CLIENT_SECRET": "client-secret"}
    async with slack_harness(database_url, oauth=True, **settings) as h:
        root = h.events_url.removesuffix("/slack/events")
        async with h.http.get(f"{root}/slack/install") as response:
            assert response.status == 200
            page = await response.text()
            cookie = response.headers["Set-Cookie"].split(";")[0]
        authorize = html.unescape(re.search(r'href="([^"]+oauth/v2/authorize[^"]+)"', page).group(1))
        query = parse_qs(urlparse(authorize).query)
        assert query["client_id"] == [CLIENT_ID] and "chat:write" in query["scope"][0]
        h.fake.oauth_codes["code-1"] = _access("code-1")
        redirect = f"{root}/slack/oauth_redirect?code=code-1&state={query['state'][0]}"
        async with h.http.get(redirect, headers={"Cookie": cookie}) as response:
            assert response.status == 200, await response.text()
        # A replayed redirect (the state is used up) installs nothing more.
        async with h.http.get(redirect, headers={"Cookie": cookie}) as response:
            assert response.status >= 400
        assert [c.params["code"] for c in h.fake.calls_to("oauth.v2.access")] == ["code-1"]

        engine = create_db_engine(database_url)
        try:
            with engine.connect() as conn:
                teams = conn.execute(text("SELECT team_id FROM slack_bots WHERE client_id = :c"), {"c": CLIENT_ID})
                assert [row[0] for row in teams] == [SECOND_TEAM]
            found = await ThreadedInstallationStore(client_id=CLIENT_ID, engine=engine).async_find_bot(
                enterprise_id=None, team_id=SECOND_TEAM
            )
            assert found is not None and found.bot_token == SECOND_TOKEN
        finally:
            engine.dispose()

        fields = slash_command("ds", user="U0SECONDUSER", channel="C0SECOND", response_url=h.fake.response_url("x"),
                               team=SECOND_TEAM)  # fmt: skip
        status, _ = await h.post(form_body(fields), content_type=FORM)
        assert status == 200
        await h.fake.wait_for(lambda: h.fake.messages.get("C0SECOND"))
        posts = [c for c in h.fake.calls_to("chat.postMessage") if c.params.get("channel") == "C0SECOND"]
        assert posts and all(c.token == SECOND_TOKEN for c in posts)
