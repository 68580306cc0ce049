"""core/ must run where QGIS is not: no qgis or Qt import anywhere in it, directly or indirectly."""

import ast
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "sbas_plugin" / "core"
FORBIDDEN = ("qgis", "PyQt5", "PyQt6", "PySide2", "PySide6", "sip")


def core_modules():
    return sorted(
        "sbas_plugin.core" + ("." + ".".join(p.relative_to(CORE).with_suffix("").parts) if p.stem != "__init__" else "")
        for p in CORE.rglob("*.py")
    )


def test_no_forbidden_import_statement():
    offenders = []
    for path in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert not offenders


def test_every_core_module_imports_with_qgis_blocked():
    # A fresh interpreter in which importing qgis or Qt raises: catches indirect imports too.
    modules = core_modules()
    assert "sbas_plugin.core.results.points" in modules
    script = (
        "import sys, importlib\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        f"        if name.split('.')[0] in {FORBIDDEN!r}: raise ImportError('blocked: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
