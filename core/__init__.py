"""The interview itself, with no platform, storage or network library in it. Its parts, from the bottom up:

domain (values and words) < ports (what the core talks through) < providers, voice < coaching < interview (the
service adapters call). settings is the one configuration object. tests/test_architecture.py keeps the layers.
"""
