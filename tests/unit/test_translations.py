"""The Japanese .ts holds every tr() string of the plugin, finished, with the source's placeholders."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import translations  # noqa: E402


def test_check_passes_on_the_committed_ts():
    ran = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "translations.py"), "--check"], capture_output=True, text=True
    )
    assert ran.returncode == 0, ran.stderr + ran.stdout


def test_extract_walks_the_ui_code_only_and_joins_implicit_concatenation():
    strings = translations.extract()
    assert len(strings) > 200
    assert "SBAS InSAR" in strings and "Pixel-centre points inside an area" in strings
    joined = [s for s in strings if s.startswith("Missing: {}. The plugin works without them")]
    assert joined and joined[0].endswith("restart QGIS:\n{}")
    assert "HyP3 jobs" in strings and "HyP3 Basic" in strings  # tr(status.purpose), tr(label)
    files = {where[0] for locations in strings.values() for where in locations}
    assert not [f for f in files if f.startswith(("sbas_plugin/core/", "sbas_plugin/cli/"))]


def test_every_translation_keeps_the_placeholders():
    entries = translations.read_ts(translations.ts_path("ja"))
    for source, (text, kind) in entries.items():
        assert kind is None and text, source
        assert translations.placeholders(text) == translations.placeholders(source), (source, text)
    assert translations.placeholders("P{}: x {:.1f} {name} {!r} {{literal}}") == ["{!r}", "{:.1f}", "{name}", "{}"]


def test_check_reports_missing_unfinished_and_bad_placeholders(tmp_path, monkeypatch):
    strings = translations.extract()
    assert translations.check("ja", strings) == []
    assert any(
        "missing: 'A string nobody translated'" in p
        for p in translations.check("ja", {**strings, "A string nobody translated": []})
    )
    ts = tmp_path / "sbas_plugin_ja.ts"
    text = translations.ts_path("ja").read_text(encoding="utf-8")
    ts.write_text(
        text.replace("<translation>自動: {}</translation>", "<translation>自動</translation>"), encoding="utf-8"
    )
    monkeypatch.setattr(translations, "ts_path", lambda lang: ts)
    assert [p for p in translations.check("ja", strings) if "placeholders differ" in p and "automatic" in p]
    ts.write_text(
        text.replace("<translation>自動: {}</translation>", '<translation type="unfinished" />'), encoding="utf-8"
    )
    assert [p for p in translations.check("ja", strings) if p.endswith("unfinished: 'automatic: {}'")]


def test_update_keeps_translations_and_drops_gone_strings(tmp_path, monkeypatch):
    ts = tmp_path / "sbas_plugin_ja.ts"
    ts.write_text(translations.ts_path("ja").read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(translations, "ts_path", lambda lang: ts)
    strings = translations.extract()
    strings.pop("Check")
    strings["Brand new"] = [("sbas_plugin/plugin.py", 1)]
    translations.write_ts(ts, "ja", strings, translations.read_ts(ts))
    entries = translations.read_ts(ts)
    assert "Check" not in entries
    assert entries["Brand new"] == ("", "unfinished")
    assert entries["Work folder"] == ("作業フォルダ", None)


def test_fill_takes_json_translations_of_known_strings_with_the_same_placeholders(tmp_path):
    pending = tmp_path / "ja.json"
    pending.write_text(
        json.dumps({"automatic: {}": "自動 {}", "Make points": "点を作る", "gone": "消えた", "SBAS": "{}"}),
        encoding="utf-8",
    )
    taken = translations.fill_from_json("ja", [str(pending)], {"automatic: {}": [], "Make points": [], "SBAS": []})
    assert taken == {"ja": {"automatic: {}": ("自動 {}", None), "Make points": ("点を作る", None)}}
