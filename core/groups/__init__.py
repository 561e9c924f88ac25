"""Study groups: a session of blind rounds, peer ratings and a group scorecard (pure; see docs/architecture.md)."""
