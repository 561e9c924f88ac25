"""The Discord adapter: DMs with voice messages, /mock-interview in servers, one thread per interview."""
