"""The project's HyP3-compatible server (scripts/hyp3_server.py), importable by the tests."""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "hyp3_server", Path(__file__).resolve().parents[2] / "scripts" / "hyp3_server.py"
)
hyp3_server = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hyp3_server)
