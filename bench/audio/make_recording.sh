#!/usr/bin/env bash
# Regenerates the one-minute spoken answer bench/local_speech.py transcribes: espeak-ng speech, sent as a voice note is
# (Ogg Opus, 48 kHz mono). Needs espeak-ng and ffmpeg (Debian: apt-get install espeak-ng ffmpeg). The output is committed.
set -euo pipefail
cd "$(dirname "$0")"
espeak-ng -v en-us -s 150 -w /tmp/one-minute-answer.wav -f one-minute-answer.txt
ffmpeg -nostdin -loglevel error -y -i /tmp/one-minute-answer.wav -ac 1 -ar 48000 -c:a libopus -b:a 16k one-minute-answer.ogg
rm -f /tmp/one-minute-answer.wav
