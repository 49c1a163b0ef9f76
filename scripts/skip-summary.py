#!/usr/bin/env python3
"""The suite's results counted from QtTest's own reports, not from ctest (which counts a QSKIP
as passed): prints "N passed, N failed, N skipped", each skip with its reason, and fails on a
skip that is neither on the allow-list nor covered by another run of the same function that
passed (tests/CMakeLists.txt runs the root-only and user-only functions again with the other
privileges; tests/support/run_other_privilege.sh).

    skip-summary.py RESULTS_DIR ALLOW_LIST

RESULTS_DIR holds one QtTest text report per ctest test (<ctest name>.txt, written through
`-o file,txt`); scripts/test.sh empties it before ctest. ALLOW_LIST: see tests/skip-allowlist.txt.
"""
import os
import re
import sys
from pathlib import Path

# "PASS   : TestX::function(tag) message", the first line of each result in QtTest's text format.
RESULT = re.compile(r"^(PASS|FAIL!|SKIP|XFAIL|XPASS|BPASS|BFAIL|BXPASS|BXFAIL)\s*: (\S+?::\w+)"
                    r"(\(.*?\))?(?: (.*))?$")
TOTALS = re.compile(r"^Totals: (\d+) passed, (\d+) failed, (\d+) skipped")


def read_allow_list(path):
    """{"TestX::function": (when, reason)}; `when` is `always` or `non-root`."""
    allowed = {}
    for number, line in enumerate(Path(path).read_text().splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split(None, 2)
        if len(parts) < 3 or parts[1] not in ("always", "non-root"):
            sys.exit(f"{path}:{number}: expected 'TestClass::function always|non-root reason'")
        allowed[parts[0]] = (parts[1], parts[2])
    return allowed


def read_report(path):
    """(totals or None when the report is incomplete, [(outcome, name, tag, message)])."""
    totals, results = None, []
    for line in path.read_text(errors="replace").splitlines():
        if match := RESULT.match(line):
            results.append((match[1], match[2], match[3] or "", match[4] or ""))
        elif match := TOTALS.match(line):
            totals = tuple(int(n) for n in match.groups())
    return totals, results


def main(results_dir, allow_list):
    allowed = read_allow_list(allow_list)
    reports = sorted(Path(results_dir).glob("*.txt")) if Path(results_dir).is_dir() else []
    if not reports:
        print(f"skip summary: no QtTest reports in {results_dir} (no QtTest ran)")
        return 0
    passed, failed, skipped = 0, 0, 0
    passes, skips, incomplete = set(), [], []
    for report in reports:
        totals, results = read_report(report)
        if totals is None:
            incomplete.append(report.stem)
        else:
            passed, failed, skipped = passed + totals[0], failed + totals[1], skipped + totals[2]
        for outcome, name, tag, message in results:
            if outcome == "PASS":
                passes.add(name + tag)
            elif outcome == "SKIP":
                skips.append((report.stem, name, tag, message))

    root = os.geteuid() == 0
    unexpected, lines, covered = [], [], 0
    for test, name, tag, reason in skips:
        if name + tag in passes:
            verdict = "ran again with other privileges and passed"
            covered += 1
        elif name in allowed and (allowed[name][0] == "always" or not root):
            verdict = "allowed: " + allowed[name][1]
        else:
            verdict = "NOT ALLOWED (tests/skip-allowlist.txt)"
            unexpected.append(name + tag)
        lines.append(f"  skipped {name}{tag} in {test}: {reason}\n      -> {verdict}")
    # A skip whose function passed in another run counts as that pass, not as a skip.
    print(f"\n{passed} passed, {failed} failed, {skipped - covered} skipped "
          f"(QtTest functions and data rows from {len(reports)} reports; {covered} more skipped "
          f"in the main run ran again with other privileges)")
    print("\n".join(lines))
    for test in incomplete:
        print(f"  {test}: the report has no totals (the test crashed or was killed)")
    if unexpected:
        print(f"skip summary: {len(unexpected)} skip(s) neither allowed nor run elsewhere: "
              + ", ".join(unexpected))
        return 1
    return 1 if failed or incomplete else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
