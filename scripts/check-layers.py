#!/usr/bin/env python3
"""Fails when an include in core/ runs back up the house drawing (docs/design.md, "Layers").

core/'s folders are layers: a file may include its own folder and the folders of lower layers,
never a higher layer or a sibling of its own layer. The build runs this (core/CMakeLists.txt,
target check_layers), as it builds lightning_base without torch and core without Qt.
Usage: check-layers.py [REPO_ROOT]   (exit 1 and one line per offending include)
"""
import pathlib
import re
import sys

# Bottom first. Siblings on one line know nothing of each other.
LAYERS = [
    ["util"],                           # errors, files, JSON, logging, UTF-8 (no torch)
    ["request"],                        # the request vocabulary (no torch): record, limits, codecs
    ["io", "hub", "image", "cuda"],     # file formats, the HF cache, PNG files, CUDA kernels
    ["convert", "sched", "models"],     # name mappings, schedulers, UNet/VAE modules
    ["lora", "text"],                   # LoRA fusing, tokenizers and text encoders
    ["pipeline"],                       # the denoising pipeline
    ["engine"],                         # the Engine facade
    ["batch", "testing", "serve"],      # batch runs, the golden harness, the HTTP server
]
LEVEL = {folder: level for level, folders in enumerate(LAYERS) for folder in folders}
INCLUDE = re.compile(r'^\s*#\s*include\s+"core/([a-z_]+)/', re.MULTILINE)


def problems(root):
    core = root / "core"
    found = []
    for path in sorted(core.rglob("*")):
        if path.suffix not in (".h", ".cpp", ".cu") or not path.is_file():
            continue
        folder = path.relative_to(core).parts[0]
        if len(path.relative_to(core).parts) == 1:
            continue  # core/pch.h and friends
        if folder not in LEVEL:
            found.append(f"{path}: core/{folder}/ has no layer in scripts/check-layers.py")
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in INCLUDE.finditer(text):
            target = match.group(1)
            if target == folder:
                continue
            line = text.count("\n", 0, match.start()) + 1
            if target not in LEVEL:
                found.append(f"{path}:{line}: includes core/{target}/, which has no layer")
            elif LEVEL[target] >= LEVEL[folder]:
                how = "a higher layer" if LEVEL[target] > LEVEL[folder] else "a sibling layer"
                found.append(f"{path}:{line}: core/{folder}/ includes core/{target}/ ({how})")
    return found


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    found = problems(root)
    for line in found:
        print(line)
    if found:
        print(f"check-layers: {len(found)} include(s) run against docs/design.md's layers")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
