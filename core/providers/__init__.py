"""Clients of OpenAI-compatible servers: chat completions with structured output, transcriptions, retries."""
