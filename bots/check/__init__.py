"""`mock-interview check`: one screen saying what this configuration will do, and what to change where it cannot."""
