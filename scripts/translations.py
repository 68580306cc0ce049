"""Keep sbas_plugin/i18n/sbas_plugin_<lang>.ts in step with the tr("...") strings of the plugin.

Our tr() is a module function with one fixed context ("sbas_plugin"), so pylupdate5 cannot find the
strings; this walks the AST of every module under sbas_plugin/ except core/ and cli/ (which never
show UI text) and collects the literal argument of each tr() call — implicit concatenations of
adjacent literals come out joined, as Python joins them.

    python scripts/translations.py            # update the .ts: new strings unfinished, gone ones dropped
    python scripts/translations.py --check    # exit 1 when a string is missing, unfinished or obsolete,
                                              # or a translation's placeholders differ from the source's
    python scripts/translations.py --release DIR   # lrelease every .ts into DIR/sbas_plugin_<lang>.qm
    python scripts/translations.py --fill ja ja.json    # update, then take translations from a JSON
                                              # {"source": "translation"} (e.g. written while coding)

No Qt needed: the unit tier runs --check.
"""

import argparse
import ast
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "sbas_plugin"
I18N = PACKAGE / "i18n"
CONTEXT = "sbas_plugin"
LANGUAGES = ("ja",)
EXCLUDED = {"core", "cli", "tests", "__pycache__"}
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
# The only tr() calls whose argument is not a literal, and where their strings are defined (as literals).
DYNAMIC = {
    ("sbas_plugin/gui/packages.py", "status.purpose"): ("sbas_plugin/core/environment.py", "PACKAGES", "values"),
    ("sbas_plugin/gui/options.py", "label"): ("sbas_plugin/settings.py", "HYP3_ENDPOINTS", "labels"),
}


def ts_path(lang: str) -> Path:
    return I18N / f"{CONTEXT}_{lang}.ts"


def source_files():
    for path in sorted(PACKAGE.rglob("*.py")):
        if not EXCLUDED & set(path.relative_to(PACKAGE).parts[:-1]):
            yield path


def extract() -> dict:
    """{source text: [(relative path, line), ...]} in first-seen order."""
    found: dict = {}
    problems = []
    for path in source_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "tr"):
                continue
            where = (path.relative_to(ROOT).as_posix(), node.lineno)
            if len(node.args) == 1 and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                found.setdefault(node.args[0].value, []).append(where)
            elif len(node.args) == 1 and (where[0], ast.unparse(node.args[0])) in DYNAMIC:
                for text in dynamic_strings(*DYNAMIC[where[0], ast.unparse(node.args[0])]):
                    found.setdefault(text, []).append(where)
            elif path.name != "i18n.py":
                problems.append(f"{where[0]}:{where[1]}: tr() needs one string literal (or an entry in DYNAMIC)")
    if problems:
        raise SystemExit("\n".join(problems))
    return found


def dynamic_strings(filename: str, name: str, kind: str) -> list:
    """The strings of a literal dict's values or a ((label, url), ...) tuple's labels, read without importing."""
    tree = ast.parse((ROOT / filename).read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            if kind == "values":
                return [ast.literal_eval(v) for v in node.value.values]
            return [ast.literal_eval(item.elts[0]) for item in node.value.elts]
    raise SystemExit(f"{filename}: no {name}")


def placeholders(text: str) -> list:
    return sorted(PLACEHOLDER.findall(text.replace("{{", "").replace("}}", "")))


def read_ts(path: Path) -> dict:
    """{source: (translation, type attribute or None)} of the plugin's context."""
    if not path.exists():
        return {}
    entries = {}
    for context in ET.parse(path).getroot().iter("context"):
        if context.findtext("name") != CONTEXT:
            continue
        for message in context.iter("message"):
            translation = message.find("translation")
            text = (translation.text or "") if translation is not None else ""
            kind = translation.get("type") if translation is not None else "unfinished"
            entries[message.findtext("source") or ""] = (text, kind)
    return entries


def write_ts(path: Path, lang: str, strings: dict, old: dict) -> None:
    root = ET.Element("TS", version="2.1", language=f"{lang}_JP" if lang == "ja" else lang)
    context = ET.SubElement(root, "context")
    ET.SubElement(context, "name").text = CONTEXT
    for source, locations in strings.items():
        message = ET.SubElement(context, "message")
        # Files only, no line numbers: an edit elsewhere in a module leaves the .ts unchanged.
        for filename in dict.fromkeys(filename for filename, _ in locations):
            ET.SubElement(message, "location", filename=f"../../{filename}")
        ET.SubElement(message, "source").text = source
        text, kind = old.get(source, ("", "unfinished"))
        translation = ET.SubElement(message, "translation")
        translation.text = text
        if kind == "obsolete" or not text:  # a string that came back needs a look again
            translation.set("type", "unfinished")
        elif kind:
            translation.set("type", kind)
    ET.indent(root) if hasattr(ET, "indent") else None
    body = ET.tostring(root, encoding="unicode")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n", encoding="utf-8")


def check(lang: str, strings: dict) -> list:
    entries = read_ts(ts_path(lang))
    problems = []
    for source in strings:
        if source not in entries:
            problems.append(f"missing: {source!r}")
            continue
        text, kind = entries[source]
        if kind or not text:
            problems.append(f"{kind or 'empty'}: {source!r}")
        elif placeholders(text) != placeholders(source):
            problems.append(f"placeholders differ: {source!r} -> {text!r}")
    problems += [f"not in the source (run scripts/translations.py): {s!r}" for s in entries if s not in strings]
    return [f"{ts_path(lang).name}: {p}" for p in problems]


def fill_from_json(lang: str, files: list, strings: dict) -> dict:
    """{lang: {source: (text, None)}} from JSON files; sources no longer in the code are reported."""
    if lang not in LANGUAGES:
        raise SystemExit(f"--fill: unknown language {lang!r} (known: {', '.join(LANGUAGES)})")
    taken = {}
    for name in files:
        for source, text in json.loads(Path(name).read_text(encoding="utf-8")).items():
            if source not in strings:
                print(f"{name}: not in the source, ignored: {source!r}", file=sys.stderr)
            elif placeholders(text) != placeholders(source):
                print(f"{name}: placeholders differ, ignored: {source!r} -> {text!r}", file=sys.stderr)
            else:
                taken[source] = (text, None)
    return {lang: taken}


def find_lrelease():
    for candidate in (os.environ.get("LRELEASE"), shutil.which("lrelease"), "/usr/lib/qt5/bin/lrelease"):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def release(out_dir: Path) -> list:
    """lrelease each .ts into out_dir; returns the .qm paths. Raises when lrelease is missing."""
    lrelease = find_lrelease()
    if lrelease is None:
        raise FileNotFoundError("lrelease not found: install qttools5-dev-tools (or set LRELEASE)")
    out_dir.mkdir(parents=True, exist_ok=True)
    made = []
    for ts in sorted(I18N.glob(f"{CONTEXT}_*.ts")):
        qm = out_dir / (ts.stem + ".qm")
        subprocess.run([lrelease, "-silent", str(ts), "-qm", str(qm)], check=True, capture_output=True)
        made.append(qm)
    return made


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="report problems, change nothing")
    parser.add_argument("--release", type=Path, metavar="DIR", help="build the .qm files into DIR")
    parser.add_argument(
        "--fill", nargs="+", metavar=("LANG", "JSON"), help="translations for LANG from JSON files of source: text"
    )
    args = parser.parse_args(argv)
    if args.release:
        for qm in release(args.release):
            print(qm)
        return 0
    strings = extract()
    if args.check:
        problems = [p for lang in LANGUAGES for p in check(lang, strings)]
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"{len(strings)} strings, {len(problems)} problems")
        return 1 if problems else 0
    filled = fill_from_json(args.fill[0], args.fill[1:], strings) if args.fill else {}
    for lang in LANGUAGES:
        old = {**read_ts(ts_path(lang)), **filled.get(lang, {})}
        write_ts(ts_path(lang), lang, strings, old)
        dropped = [s for s in old if s not in strings]
        todo = sum(1 for s in strings if not old.get(s, ("", None))[0] or old[s][1])
        print(f"{ts_path(lang).relative_to(ROOT)}: {len(strings)} strings, {todo} to translate, {len(dropped)} dropped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
