"""Running interviews: the service adapters call, the steps of a turn, the outbox, limits, records and reports."""
