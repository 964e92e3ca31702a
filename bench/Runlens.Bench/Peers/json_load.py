"""The peer of `runlens analyze trainer_state.json` in the `peers` bench: Python's json.load of the file alone (no
analysis at all).

    /usr/bin/python3 json_load.py FILE
prints: log_history N
"""
import json
import sys

with open(sys.argv[1], "rb") as f:
    state = json.load(f)
print("log_history %d" % len(state["log_history"]))
