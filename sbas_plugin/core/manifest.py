"""The one manifest of a work folder: inputs, options, versions and, per step, a signature of what the
step was computed from, so that every step can tell whether its results are still current."""

import json
import os
from pathlib import Path

MANIFEST = "manifest.json"


class Manifest:
    def __init__(self, work):
        self.path = Path(work) / MANIFEST
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
        partial = self.path.with_name(self.path.name + ".part")
        partial.write_text(json.dumps(self.data, indent=1, default=str), encoding="utf-8")
        os.replace(partial, self.path)
