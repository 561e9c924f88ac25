"""The fake Slack workspace's fixed tokens and ids, shared by the server, its Web API and the payload builders."""

BOT_TOKEN = "xoxb-fake-bot-token"
APP_TOKEN = "xapp-1-fake-app-token"
TEAM_ID = "T0FAKE"
BOT_USER_ID = "U0COACHBOT"
BOT_ID = "B0COACHBOT"
