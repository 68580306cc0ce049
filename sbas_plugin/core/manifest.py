"""The one manifest of a work folder: inputs, options, versions and, per step, a signature of what the
step was computed from, so that every step can tell whether its results are still current."""

import hashlib
import json
from pathlib import Path

from sbas_plugin.core.files import write_json
from sbas_plugin.core.workfolder import WorkFolder


def signature(*parts) -> str:
    """A short hash of the parts: bytes as they are, anything else as its JSON (keys sorted)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else json.dumps(part, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:16]


class Manifest:
    def __init__(self, work):
        self.path = WorkFolder(work).manifest
        try:
            self.data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.data = {}

    def step(self, name: str) -> dict:
        return self.data.get("steps", {}).get(name, {})

    def done(self, name: str, signature: str, *outputs: Path) -> bool:
        return self.step(name).get("signature") == signature and all(p.exists() for p in outputs)

    def record(self, name: str, signature: str, **details) -> None:
        self.data.setdefault("steps", {})[name] = {"signature": signature, **details}
        self.save()

    def save(self) -> None:
        write_json(self.path, self.data, indent=1, default=str)
