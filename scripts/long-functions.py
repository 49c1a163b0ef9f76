#!/usr/bin/env python3
"""Lists C++ function definitions longer than a limit: `file:line name length`, longest first.

    scripts/long-functions.py [--limit 80] [paths...]     (default paths: core app)

A brace-matching scan, not a compiler: comments and string/char literals are blanked, then every
`{` outside a function body is classified by the text before it (namespace, class, initializer
or function). The length counts the lines from the definition's first (a template line included) to its
closing brace.
Lambdas and local classes count towards the function that holds them. The style rule (functions
under 80 lines, docs/design.md) is checked with it; exit status 1 when any function is too long.
"""
import argparse
import os
import re
import sys

SOURCE_SUFFIXES = (".cpp", ".h", ".hpp", ".cc")
CLASS_KEY = re.compile(r"\b(class|struct|union|enum)\b")
NAMESPACE_KEY = re.compile(r"\bnamespace\b|\bextern\s*\"C\"")
IDENTIFIER = re.compile(r"(~?[A-Za-z_][A-Za-z_0-9]*(?:\s*::\s*~?[A-Za-z_][A-Za-z_0-9]*)*"
                        r"|operator\s*(?:\(\)|[^\s(]+))\s*$")


def blank_literals(text):
    """Comments, strings and char literals replaced by spaces (newlines kept)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            out.append(" " * (end - i))
            i = end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append(re.sub(r"[^\n]", " ", text[i:end]))
            i = end
        elif c == "R" and text.startswith('R"', i) and (i == 0 or not text[i - 1].isalnum()):
            open_paren = text.find("(", i)
            delimiter = text[i + 2:open_paren]
            end = text.find(")" + delimiter + '"', open_paren)
            end = n if end < 0 else end + len(delimiter) + 2
            out.append(re.sub(r"[^\n]", " ", text[i:end]))
            i = end
        elif c in "\"'":
            # A digit separator (1'000'000) is not a char literal.
            if c == "'" and i > 0 and text[i - 1].isalnum() and i + 1 < n and text[i + 1].isalnum():
                out.append(c)
                i += 1
                continue
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(c + " " * (min(j, n) - i - 1) + (c if j < n else ""))
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def matching_brace(text, open_index):
    depth = 0
    for k in range(open_index, len(text)):
        if text[k] == "{":
            depth += 1
        elif text[k] == "}":
            depth -= 1
            if depth == 0:
                return k
    return len(text) - 1


def function_name(header):
    """The name before the parameter list's '(' (depth 0), or None for a non-function."""
    depth = 0
    angle_free = re.sub(r"<[^<>]*>", "", re.sub(r"<[^<>]*>", "", header))
    k = 0
    while k < len(angle_free):
        c = angle_free[k]
        if c == "(" and depth == 0:
            before = angle_free[:k]
            if before.rstrip().endswith("operator") and angle_free[k:k + 2] == "()":
                k += 2  # operator(): its parameter list is the next '('
                continue
            match = IDENTIFIER.search(before)
            return re.sub(r"\s+", "", match.group(1)) if match else None
        depth += {"(": 1, ")": -1}.get(c, 0)
        k += 1
    return None


def scan(text, start, end, found, line_of):
    """Finds functions among the declarations in text[start:end] (a namespace or class body)."""
    header_start = start
    k = start
    while k < end:
        c = text[k]
        if c in ";}":
            header_start = k + 1
        elif c == "{":
            close = matching_brace(text, k)
            header = text[header_start:k]
            flat = re.sub(r"\([^()]*\)", "()", header)
            if NAMESPACE_KEY.search(header) and "(" not in header:
                scan(text, k + 1, close, found, line_of)
            elif CLASS_KEY.search(flat) and "(" not in flat.split(":")[0]:
                scan(text, k + 1, close, found, line_of)
            elif re.search(r"(?<![=!<>])=(?!=)", re.sub(r"\([^()]*\)", "", flat)):
                pass  # an initializer (data, or a lambda assigned to a variable)
            else:
                following = text[close + 1:close + 40].lstrip()
                if following[:1] in (",", "{") and ":" in header:
                    k = close + 1  # a member initializer `b_{x}` of a constructor: read on
                    continue
                name = function_name(header)
                if name:
                    first = line_of(header_start + len(header) - len(header.lstrip()))
                    found.append((first, name, line_of(close) - first + 1))
            header_start = close + 1
            k = close
        k += 1


def long_functions(path, limit):
    with open(path, encoding="utf-8", errors="replace") as f:
        text = blank_literals(f.read())
    # Preprocessor lines are not declarations.
    text = re.sub(r"(?m)^[ \t]*#.*(?:\\\n.*)*$", lambda m: re.sub(r"[^\n]", " ", m.group(0)),
                  text)
    newlines = [i for i, c in enumerate(text) if c == "\n"]

    def line_of(index):
        lo, hi = 0, len(newlines)
        while lo < hi:
            mid = (lo + hi) // 2
            if newlines[mid] < index:
                lo = mid + 1
            else:
                hi = mid
        return lo + 1

    found = []
    scan(text, 0, len(text), found, line_of)
    return [(path, line, name, length) for line, name, length in found if length > limit]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=80, help="longest allowed (lines)")
    parser.add_argument("paths", nargs="*", default=["core", "app"])
    args = parser.parse_args()
    files = []
    for root in args.paths:
        if os.path.isfile(root):
            files.append(root)
        for folder, _, names in os.walk(root):
            files += [os.path.join(folder, n) for n in names if n.endswith(SOURCE_SUFFIXES)]
    results = [r for path in sorted(files) for r in long_functions(path, args.limit)]
    for path, line, name, length in sorted(results, key=lambda r: -r[3]):
        print(f"{path}:{line} {name} {length}")
    return 1 if results else 0


if __name__ == "__main__":
    sys.exit(main())
