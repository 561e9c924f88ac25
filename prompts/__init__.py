"""Prompt templates and role packs, loaded through importlib.resources."""
