"""Voice answers before grading: what a recording is, how long, shrunk when large, transcribed, and delivery."""
