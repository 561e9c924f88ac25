"""The coaches: the interviewer that picks moves and the grader, by a model or built in, and the scorecard."""
