"""Interviews tailored to a job posting or a résumé: reading the documents, redacting them, and choosing questions.

Pure and synchronous: nothing here calls a model, the store or the network (docs/architecture.md, "Tailoring")."""
