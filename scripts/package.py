"""Build dist/sbas_plugin-<version>.zip: the folder sbas_plugin/ with metadata.txt and LICENSE inside,
without tests, caches or compiled Python."""

import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from sbas_plugin.__about__ import __version__  # noqa: E402

sys.path.insert(0, str(ROOT / "scripts"))
import translations  # noqa: E402

SKIP_DIRS = {"__pycache__", "tests", ".pytest_cache"}
SKIP_SUFFIXES = {".pyc", ".pyo", ".ts", ".pro", ".qm"}  # .qm: built fresh from the .ts below


def plugin_files():
    for path in sorted((ROOT / "sbas_plugin").rglob("*")):
        relative = path.relative_to(ROOT)
        if path.is_file() and not SKIP_DIRS & set(relative.parts) and path.suffix not in SKIP_SUFFIXES:
            yield path, relative.as_posix()
    yield ROOT / "metadata.txt", "sbas_plugin/metadata.txt"
    yield ROOT / "LICENSE", "sbas_plugin/LICENSE"


def build(out_dir: Path = ROOT / "dist") -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"sbas_plugin-{__version__}.zip"
    partial = target.with_name(target.name + ".part")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, name in plugin_files():
            archive.write(path, name)
        with tempfile.TemporaryDirectory() as qm_dir:  # lrelease missing is an error: no silent English zip
            for qm in translations.release(Path(qm_dir)):
                archive.write(qm, f"sbas_plugin/i18n/{qm.name}")
    partial.replace(target)
    return target


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "dist"))
