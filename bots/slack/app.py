"""The slack-bolt AsyncApp: its Web API client, authorization (one token, or installations), listeners, HTTP routes."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import Engine

from bots.slack.answers import ThreadAnswers
from bots.slack.commands import SlashCommands
from bots.slack.erasure import DataErasure
from bots.slack.files import FileDownloader
from bots.slack.gate import Refused, admit, refusal_logged
from bots.slack.group_inbound import ANSWER_FORM, GROUP_PREFIX
from bots.slack.groups import StudyGroups
from bots.slack.home import HOME_PREFIX, publish_home
from bots.slack.inbound import ACTION_PREFIX, ERASE_PREFIX
from bots.slack.installs import ThreadedInstallationStore, ThreadedStateStore, one_workspace
from bots.slack.recovery import Sweeper, add_inbox
from bots.slack.replies import ClientFor
from bots.slack.scope import add_team_scope
from bots.slack.tailor_form import CALLBACK_ID as TAILOR_FORM
from bots.slack.tailoring import TailoredStarts
from bots.slack.threads import ThreadStarts
from core.interview.service import InterviewService
from core.settings import Settings

COMMAND = "/mock-interview"
EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
# Exactly what the manifests in deploy/slack/ ask for; the install link requests these.
BOT_SCOPES = (
    "commands",
    "chat:write",
    "channels:join",
    "channels:history",
    "groups:history",
    "im:history",
    "mpim:history",
    "reactions:write",
    "files:read",
    "files:write",
    "users:read",
)
SHUTDOWN_GRACE_S = 30.0  # at shutdown, how long replies being worked on may take to finish
RATE_LIMIT_RETRIES = 3  # 429s wait Retry-After seconds, then try again, this many times
WEB_API_TIMEOUT_S = 30.0  # slack_sdk's own default, which a shared session replaces with its own


def api_session() -> aiohttp.ClientSession | None:
    """One HTTP session for every Web API call, so connections (and their TLS handshakes) are reused.

    Without it slack_sdk opens a new connection per call: three per turn (reaction, question, reaction). An
    aiohttp session belongs to one event loop, so outside a running loop there is none and slack_sdk makes its own.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return None
    return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=WEB_API_TIMEOUT_S))


def web_client(
    settings: Settings, token: str | None = None, *, session: aiohttp.ClientSession | None = None
) -> AsyncWebClient:
    """A Web API client on SLACK_API_URL that retries 429s after Retry-After (and dropped connections)."""
    return configure_client(AsyncWebClient(token=token), settings, session=session)


def configure_client(
    client: AsyncWebClient, settings: Settings, *, session: aiohttp.ClientSession | None
) -> AsyncWebClient:
    """Point client at SLACK_API_URL, on the shared session, with the 429 retry handler; bolt copies all three
    into its per-request clients."""
    client.base_url = settings.slack_api_url or AsyncWebClient.BASE_URL
    client.session = session
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES))
    return client


def uses_oauth(settings: Settings) -> bool:
    """Whether installations come from the OAuth flow (several workspaces) rather than one bot token."""
    return bool(settings.slack_client_id and settings.slack_client_secret)


@dataclass
class SlackBot:
    """The bolt app and what it owns besides the service."""

    app: AsyncApp
    service: InterviewService
    downloader: FileDownloader
    client_for: ClientFor
    session: aiohttp.ClientSession | None = None
    signing_secret: str = ""  # SLACK_SIGNING_SECRET, for requests over HTTP
    inflight: set[asyncio.Task[Any]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.sweeper = Sweeper(self.app, self.service, self.client_for)

    @contextlib.contextmanager
    def working(self) -> Iterator[None]:
        """Mark the current listener as in flight, so shutting down lets it finish its reply."""
        task = asyncio.current_task()
        if task is None:
            yield
            return
        self.inflight.add(task)
        try:
            yield
        finally:
            self.inflight.discard(task)

    async def close(self, *, grace_s: float = SHUTDOWN_GRACE_S) -> None:
        """Let replies being worked on finish, then release downloads and the Web API session (not the service)."""
        if self.inflight:
            await asyncio.wait(set(self.inflight), timeout=grace_s)
        await self.sweeper.stop()
        await self.downloader.close()
        if self.session is not None:
            await self.session.close()


def build_slack_app(
    settings: Settings, service: InterviewService, *, engine: Engine, socket_mode: bool = False
) -> SlackBot:
    """An AsyncApp wired to the service: in Socket Mode the one workspace of SLACK_BOT_TOKEN; over HTTP one bot
    token, or (SLACK_CLIENT_ID and SLACK_CLIENT_SECRET) installations kept in our database, on engine."""
    oauth = uses_oauth(settings) and not socket_mode
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    session = api_session()
    kwargs: dict[str, Any] = {}
    if socket_mode and token:
        # bolt turns to OAuth installs on its own when SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are in the
        # environment; Socket Mode serves the bot token's workspace whatever else the environment holds.
        kwargs["client"] = web_client(settings, session=session)
        kwargs["authorize"] = one_workspace(token)
    elif oauth:
        client_id = settings.slack_client_id or ""
        kwargs["client"] = web_client(settings, session=session)
        kwargs["oauth_settings"] = AsyncOAuthSettings(
            client_id=client_id,
            client_secret=settings.slack_client_secret.get_secret_value() if settings.slack_client_secret else "",
            scopes=list(BOT_SCOPES),
            installation_store=ThreadedInstallationStore(client_id=client_id, engine=engine),
            state_store=ThreadedStateStore(engine=engine),
        )
    else:
        kwargs["token"] = token
    app = AsyncApp(name="mock-interview-coach", signing_secret=secret, **kwargs)
    if "token" in kwargs:
        # bolt made this client from the token (passing our own as well makes it warn that the token is unused,
        # since it also reads SLACK_BOT_TOKEN itself): point it at SLACK_API_URL and have it wait out 429s.
        configure_client(app.client, settings, session=session)
    if oauth:
        app.enable_token_revocation_listeners()
    bot = SlackBot(
        app=app,
        service=service,
        downloader=FileDownloader(api_url=settings.slack_api_url),
        client_for=_clients(app, settings, oauth=oauth, session=session),
        session=session,
        signing_secret=secret,
    )
    if not oauth:
        add_team_scope(app)  # first: a request of another workspace is not even kept
    add_inbox(app, service)
    _register(bot)
    return bot


def _clients(app: AsyncApp, settings: Settings, *, oauth: bool, session: aiohttp.ClientSession | None) -> ClientFor:
    """How the sweeper gets a Web API client for a workspace: the one token, or the workspace's installation."""

    async def client_for(team_id: str) -> AsyncWebClient | None:
        if not oauth:
            return app.client
        assert app.installation_store is not None
        installed = await app.installation_store.async_find_bot(enterprise_id=None, team_id=team_id)
        if not installed or not installed.bot_token:
            return None
        return web_client(settings, installed.bot_token, session=session)

    return client_for


def _register(bot: SlackBot) -> None:
    erasure = DataErasure(bot.service)
    threads = ThreadStarts(bot.service)
    tailored = TailoredStarts(bot.service, threads, bot.downloader)
    groups = StudyGroups(threads)
    commands = SlashCommands(bot.service, erasure, threads, tailored, groups)
    answers = ThreadAnswers(bot.service, bot.downloader, tailored, groups)
    app = bot.app

    @app.command(COMMAND)
    async def _command(ack: Any, command: dict[str, Any], client: AsyncWebClient, respond: Any) -> None:
        await ack()  # first, always: Slack shows the user an error after 3 seconds without it
        with bot.working():
            await commands.handle(command, client=client, respond=respond)

    @app.event("message")
    async def _message(body: dict[str, Any], client: AsyncWebClient, context: Any) -> None:
        with bot.working():
            await answers.on_message(body, client=client, context=context)

    @app.action(re.compile("^" + re.escape(ACTION_PREFIX)))
    async def _button(ack: Any, body: dict[str, Any], client: AsyncWebClient, respond: Any) -> None:
        await ack()
        with bot.working():
            await answers.on_button(body, client=client, respond=respond)

    @app.event("app_home_opened")
    async def _home(event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient) -> None:
        if event.get("tab", "home") != "home":
            return  # the Messages tab: nothing to draw
        team, user = body.get("team_id") or "", event.get("user") or ""
        with bot.working():
            await publish_home(client, bot.service, team=team, user=user, dm_channel=event.get("channel") or "")

    @app.action(re.compile("^" + re.escape(HOME_PREFIX)))
    async def _home_button(ack: Any, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        with bot.working():
            await commands.start_from_home(body, client=client)

    @app.view(TAILOR_FORM)
    async def _tailor_form(ack: Any, body: dict[str, Any], client: AsyncWebClient) -> None:
        with bot.working():  # acknowledged inside: a problem is shown in the form, with the acknowledgement
            await tailored.on_submission(body, ack=ack, client=client)

    @app.action(re.compile("^" + re.escape(GROUP_PREFIX)))
    async def _group_action(ack: Any, body: dict[str, Any], client: AsyncWebClient, respond: Any) -> None:
        await ack()
        with bot.working():
            await groups.on_action(body, client=client, respond=respond)

    @app.view(ANSWER_FORM)
    async def _group_answer(ack: Any, body: dict[str, Any], client: AsyncWebClient) -> None:
        with bot.working():  # acknowledged inside, first: the form closes while the answer is taken
            await groups.on_submission(body, ack=ack, client=client)

    @app.action(re.compile("^" + re.escape(ERASE_PREFIX)))
    async def _erase_button(ack: Any, body: dict[str, Any], respond: Any) -> None:
        await ack()
        with bot.working():
            await erasure.on_button(body, respond=respond)


def web_application(bot: SlackBot) -> web.Application:
    """The HTTP front: events, commands and interactivity at /slack/events, the install pages, and /healthz."""
    app = bot.app

    async def dispatch(request: web.Request) -> web.Response:
        # The signature is checked before bolt reads anything (bolt's middleware checks it again).
        try:
            admitted = admit(
                bot.signing_secret,
                await request.read(),
                headers=request.headers,
                query=request.query_string,
                content_type=request.content_type,
            )
        except Refused as refused:
            refusal_logged(refused)
            return web.json_response({"error": "invalid request"}, status=refused.status)
        return await to_aiohttp_response(await app.async_dispatch(admitted))

    async def health(_request: web.Request) -> web.Response:
        return web.Response(text="ok")

    server = web.Application()
    server.router.add_post(EVENTS_PATH, dispatch)
    server.router.add_get(HEALTH_PATH, health)
    flow = app.oauth_flow
    if flow is not None:

        async def install(request: web.Request) -> web.Response:
            return await to_aiohttp_response(await flow.handle_installation(await to_bolt_request(request)))

        async def redirect(request: web.Request) -> web.Response:
            return await to_aiohttp_response(await flow.handle_callback(await to_bolt_request(request)))

        server.router.add_get(flow.install_path, install)
        server.router.add_get(flow.redirect_uri_path, redirect)
    return server
