"""Domain values and words: conversations, interviews, turns, grades, replies, commands, role packs, messages."""
