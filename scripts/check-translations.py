#!/usr/bin/env python3
"""Fails when a translation (resources/translations/*.ts) is not complete for the current sources.

usage: check-translations.py LUPDATE ROOT

Runs lupdate (the options of `update-translations`, but keeping vanished entries) over ROOT's ui/
and app/studio/ into a copy of each .ts, then reports every message that is unfinished (a tr()
string nobody translated yet, or one the sources gained since), vanished or obsolete (a string the
sources lost), or whose translation drops a placeholder (%1, %n) or the accelerator (&) of its
source. Each problem names the file, the context and the source text.
"""
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

PLACEHOLDER = re.compile(r"%(?:\d+|n)")
ACCELERATOR = re.compile(r"&(?!&)")


def translations_of(message):
    translation = message.find("translation")
    forms = translation.findall("numerusform")
    texts = [f.text or "" for f in forms] if forms else [translation.text or ""]
    return translation.get("type"), texts


def problems_in(ts_path, name):
    found = []
    for context in ET.parse(ts_path).getroot().iter("context"):
        context_name = context.findtext("name")
        for message in context.iter("message"):
            source = message.findtext("source")
            where = f"{name}: {context_name}: {source!r}"
            kind, texts = translations_of(message)
            if kind:
                found.append(f"{where} is {kind}")
                continue
            for text in texts:
                if not text:
                    found.append(f"{where} has an empty translation")
                elif sorted(set(PLACEHOLDER.findall(source))) != sorted(set(PLACEHOLDER.findall(text))):
                    found.append(f"{where}: placeholders differ in {text!r}")
                elif len(ACCELERATOR.findall(source)) != len(ACCELERATOR.findall(text)):
                    found.append(f"{where}: accelerator (&) differs in {text!r}")
    return found


def main():
    lupdate, root = sys.argv[1], pathlib.Path(sys.argv[2])
    ts_files = sorted((root / "resources" / "translations").glob("*.ts"))
    if not ts_files:
        sys.exit(f"no .ts files in {root / 'resources' / 'translations'}")
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        for ts in ts_files:
            copy = pathlib.Path(tmp) / ts.name
            shutil.copy(ts, copy)
            subprocess.run([lupdate, "-silent", "-I", str(root), "-locations", "none",
                            str(root / "ui"), str(root / "app" / "studio"), "-ts", str(copy)],
                           check=True)
            problems += problems_in(copy, ts.name)
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s) in {len(ts_files)} translation(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
