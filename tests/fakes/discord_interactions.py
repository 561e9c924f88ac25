"""The interactions half of the fake Discord: slash commands, autocomplete, button presses and modal submissions,
and their answers (a modal among them).

Discord's rules kept here: an interaction is answered once (a second answer is 400, code 40060), and the first
follow-up after a deferred answer edits the "thinking…" message instead of posting a new one.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from tests.fakes import discord_modals
from tests.fakes import discord_payloads as p
from tests.fakes.discord_http import json_response as _json
from tests.fakes.discord_http import public as _public

ALL_PERMISSIONS = str((1 << 50) - 1)
BODY = web.RequestKey("body", object)  # the parsed JSON (or payload_json) of a request
FILES = web.RequestKey("files", list)  # files uploaded with it


class InteractionsMixin:
    """Interaction events for tests to send, and the REST routes that answer them; mixed into FakeDiscord."""

    application_id: str
    commands: list[dict[str, Any]]
    channels: dict[str, dict[str, Any]]
    messages: dict[str, dict[str, Any]]
    interactions: dict[str, dict[str, Any]]
    callbacks: list[dict[str, Any]]
    gateway: Any
    # Discord answers an interaction once (a second answer is 40060). True lets a second answer through, so a test
    # can show that the bot's own claim of the interaction id, not Discord's rule alone, keeps a replay from acting.
    answers_twice = False

    def _store_message(self, channel_id: str, body: dict[str, Any], **extra: Any) -> dict[str, Any]:
        raise NotImplementedError

    def _interaction(
        self, kind: int, user: dict[str, Any], channel: dict[str, Any], data: dict[str, Any], **extra: Any
    ) -> dict[str, Any]:
        guild_id = channel.get("guild_id")
        payload: dict[str, Any] = {
            "id": p.snowflake(),
            "application_id": self.application_id,
            "type": kind,
            "data": data,
            "channel": dict(channel),
            "channel_id": channel["id"],
            "token": f"itoken-{p.snowflake()}",
            "version": 1,
            "app_permissions": extra.pop("app_permissions", ALL_PERMISSIONS),
            "locale": "en-US",
            "entitlements": [],
            "attachment_size_limit": 10 * 1024 * 1024,
            "authorizing_integration_owners": {"0": guild_id} if guild_id else {"1": user["id"]},
            "context": 0 if guild_id else 1,
            **extra,
        }
        if guild_id:
            payload["guild_id"] = guild_id
            payload["guild"] = {"id": guild_id, "locale": "en-US", "features": []}
            payload["guild_locale"] = "en-US"
            payload["member"] = {**p.member(user), "user": user, "permissions": ALL_PERMISSIONS}
        else:
            payload["user"] = user
        self.interactions[payload["token"]] = {"payload": payload, "acknowledged": False, "original": None}
        return payload

    async def slash_command(
        self, user: dict[str, Any], channel: dict[str, Any], options: dict[str, Any], **extra: Any
    ) -> dict[str, Any]:
        """A user runs /mock-interview with these options: INTERACTION_CREATE (type 2); returns the event."""
        command = next(c for c in self.commands if c["name"] == "mock-interview")
        kinds = {str: 3, int: 4, bool: 5}
        data = {
            "id": command["id"],
            "name": command["name"],
            "type": 1,
            "options": [{"name": k, "type": kinds[type(v)], "value": v} for k, v in options.items()],
        }
        payload = self._interaction(2, user, channel, data, **extra)
        return await self.gateway.dispatch("INTERACTION_CREATE", payload, guild_id=channel.get("guild_id"))

    async def autocomplete(self, user: dict[str, Any], channel: dict[str, Any], typed: str) -> dict[str, Any]:
        """A user types in the role option: an autocomplete interaction (type 4)."""
        command = next(c for c in self.commands if c["name"] == "mock-interview")
        option = {"name": "role", "type": 3, "value": typed, "focused": True}
        data = {"id": command["id"], "name": command["name"], "type": 1, "options": [option]}
        payload = self._interaction(4, user, channel, data)
        return await self.gateway.dispatch("INTERACTION_CREATE", payload, guild_id=channel.get("guild_id"))

    async def click(self, user: dict[str, Any], message: dict[str, Any], custom_id: str) -> dict[str, Any]:
        """A user presses a button on one of the bot's messages: INTERACTION_CREATE (type 3)."""
        channel = self.channels[message["channel_id"]]
        data = {"custom_id": custom_id, "component_type": 2}
        payload = self._interaction(3, user, channel, data, message=_public(message))  # as Discord sends it
        self.interactions[payload["token"]]["original"] = message["id"]
        return await self.gateway.dispatch("INTERACTION_CREATE", payload, guild_id=channel.get("guild_id"))

    async def choose(
        self, user: dict[str, Any], message: dict[str, Any], custom_id: str, values: list[str]
    ) -> dict[str, Any]:
        """A user picks in a select menu on one of the bot's messages: INTERACTION_CREATE (type 3, a string select)."""
        channel = self.channels[message["channel_id"]]
        data = {"custom_id": custom_id, "component_type": 3, "values": values}
        payload = self._interaction(3, user, channel, data, message=_public(message))
        self.interactions[payload["token"]]["original"] = message["id"]
        return await self.gateway.dispatch("INTERACTION_CREATE", payload, guild_id=channel.get("guild_id"))

    def modal_shown(self, event: dict[str, Any]) -> dict[str, Any] | None:
        """The modal the bot answered an interaction with (callback type 9), if it did."""
        shown = (c["data"] for c in self.callbacks if c["interaction"] == event["d"]["id"] and c["type"] == 9)
        return next(shown, None)

    async def submit_modal(
        self, user: dict[str, Any], channel: dict[str, Any], modal: dict[str, Any], values: dict[str, str]
    ) -> dict[str, Any]:
        """A user fills in a modal and sends it: INTERACTION_CREATE (type 5) with the typed values by custom id."""
        data = {"custom_id": modal["custom_id"], "components": discord_modals.submission(modal, values)}
        payload = self._interaction(5, user, channel, data)
        return await self.gateway.dispatch("INTERACTION_CREATE", payload, guild_id=channel.get("guild_id"))

    async def _callback(self, request: web.Request) -> web.Response:
        state = self.interactions.get(request.match_info["token"])
        if state is None or state["payload"]["id"] != request.match_info["interaction"]:
            return _json({"message": "Unknown interaction", "code": 10062}, status=404)
        if state["acknowledged"] and not self.answers_twice:
            body = {"message": "Interaction has already been acknowledged.", "code": 40060}
            return _json(body, status=400)
        body = request[BODY] or {}
        kind, data = int(body.get("type", 0)), body.get("data") or {}
        if kind == 9 and (problems := discord_modals.modal_problems(data)):
            return _json({"code": 50035, "message": "Invalid Form Body", "errors": problems}, status=400)
        if kind == 9 and state["payload"]["type"] == 5:
            return _json({"code": 50035, "message": "A modal cannot answer a modal submission"}, status=400)
        state["acknowledged"] = True
        self.callbacks.append({"interaction": state["payload"]["id"], "type": kind, "data": data})
        payload = state["payload"]
        ephemeral = bool(int(data.get("flags") or 0) & p.EPHEMERAL_FLAG)
        result: dict[str, Any] = {"interaction": {"id": payload["id"], "type": payload["type"]}}
        if kind in (4, 5):  # a message (or the "thinking…" placeholder) answers the interaction
            message = self._store_message(payload["channel_id"], data, webhook_id=self.application_id)
            message["ephemeral"] = ephemeral
            message["loading"] = kind == 5
            message["answers_interaction"] = payload["id"]
            state["original"] = message["id"]
            result["interaction"].update(
                response_message_id=message["id"],
                response_message_loading=kind == 5,
                response_message_ephemeral=ephemeral,
            )
            result["resource"] = {"type": kind, "message": _public(message)}
        elif kind in (8, 9):
            result["resource"] = {"type": kind}
        return _json(result)

    async def _followup(self, request: web.Request) -> web.Response:
        state = self.interactions.get(request.match_info["token"])
        if state is None or not state["acknowledged"]:
            return _json({"message": "Unknown Webhook", "code": 10015}, status=404)
        body = request[BODY] or {}
        refused = p.check_message_body(body)
        if refused:
            return _json(refused[1], status=refused[0])
        original = self.messages.get(state["original"] or "")
        if original is not None and original.get("loading"):
            # Discord: the first follow-up after a deferred response edits the "thinking…" message.
            original.update(loading=False, content=body.get("content") or "", embeds=body.get("embeds") or [])
            original.update(components=body.get("components") or [], allowed_mentions=body.get("allowed_mentions"))
            return _json(_public(original))
        ephemeral = bool(int(body.get("flags") or 0) & p.EPHEMERAL_FLAG)
        message = self._store_message(state["payload"]["channel_id"], body, webhook_id=self.application_id)
        message["ephemeral"] = ephemeral
        message["answers_interaction"] = state["payload"]["id"]  # for tests: which interaction it followed up
        return _json(_public(message))

    async def _edit_webhook_message(self, request: web.Request) -> web.Response:
        state = self.interactions.get(request.match_info["token"])
        if state is None or not state["acknowledged"]:
            return _json({"message": "Unknown Webhook", "code": 10015}, status=404)
        wanted = request.match_info["message"]
        message = self.messages.get(state["original"] if wanted == "@original" else wanted)
        if message is None:
            return _json({"message": "Unknown Message", "code": 10008}, status=404)
        body = request[BODY] or {}
        for key in ("content", "embeds", "components", "allowed_mentions"):
            if key in body:
                message[key] = body[key]
        message["loading"] = False
        return _json(_public(message))
