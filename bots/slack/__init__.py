"""The Slack app: `/mock-interview` in channels and DMs, interviews in threads, voice clips, Block Kit scorecards."""
