"""QGIS 4 / Qt6 readiness, checked on the source text of the QGIS side of the plugin."""

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "sbas_plugin"
RULES = {
    r"^\s*(from|import)\s+PyQt[56]\b": "import Qt through qgis.PyQt",
    r"\.exec_\(": "use exec(), exec_() is gone in PyQt6",
    r"backend_qt[45]agg": "use matplotlib's backend_qtagg",
    r"resources_rc|pyrcc": "load icons by file path; PyQt6 has no compiled resources",
    r"\bQVariant\.(Int|Double|String|LongLong|Bool)\b": "field types go through sbas_plugin.compat",
    r"\bQt\.(Align(Left|Right|Center|Top|Bottom|HCenter|VCenter)|(Left|Right|Top|Bottom)DockWidgetArea|Checked"
    r"|Unchecked|ItemIs\w+|Horizontal|Vertical|UserRole|DisplayRole|LeftButton|RightButton)\b": "scope Qt enums",
}


def test_source_follows_qt6_rules():
    problems = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "compat.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for pattern, advice in RULES.items():
                if re.search(pattern, line):
                    problems.append(f"{path.relative_to(PACKAGE)}:{number}: {advice}")
    assert not problems, "\n".join(problems)


def test_rules_catch_what_they_are_for():
    samples = [
        "from PyQt5.QtCore import Qt",
        "dialog.exec_()",
        "import matplotlib.backends.backend_qt5agg",
        "QgsField('a', QVariant.Int)",
        "label.setAlignment(Qt.AlignLeft)",
    ]
    for sample in samples:
        assert any(re.search(p, sample) for p in RULES), sample
    assert not any(re.search(p, "label.setAlignment(Qt.AlignmentFlag.AlignLeft)") for p in RULES)
