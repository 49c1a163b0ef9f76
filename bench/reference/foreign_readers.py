#!/usr/bin/env python3
"""Runs other tools' own metadata readers on PNG files and writes what they returned as JSON.

    python3 foreign_readers.py --webui WEBUI --webui-commit SHA [--forge FORGE --forge-commit SHA] \
        --out tests/data/foreign/readers.json tests/data/foreign/png/*.png

WEBUI is a stable-diffusion-webui tree (a checkout, or `git show COMMIT:modules/...` of the
three files named below into WEBUI/modules/). Nothing of it is copied: its files are imported from
there. The JSON holds, per PNG (named by its path relative to --base):
  "text":  every tEXt/zTXt/iTXt entry, keyword -> text, read with the standard library as PIL's
           `Image.info` gives them (zlib for compressed ones; tEXt/zTXt Latin-1, iTXt UTF-8);
  "a1111": A1111's parse_generation_parameters() of the `parameters` entry, the function the
           webui's PNG Info tab and "Send to txt2img" run on a dropped image
           (modules/images.py read_info_from_image pops `parameters` from Image.info and hands
           it to it); absent when the PNG has no `parameters` entry;
  "forge": the same function of stable-diffusion-webui-forge (FORGE, a Forge tree laid out as
           WEBUI), when --forge is given.
tests/core/test_image_file.cpp compares these with what our reader makes of the same files.

A1111's module imports the web UI; these stubs stand in for what parse_generation_parameters
does not reach or reaches only through options (each listed in the JSON under "stubs"):
  gradio                gr.update() returns a dict; nothing else of gradio is called
  PIL                   Image is only used to open dropped files, which this script does itself
  modules.paths         data_path (params.txt of the paste button, not reached)
  modules.shared        opts: infotext_styles "Ignore" (A1111's default "Apply if any" changes
                        nothing without a styles file), and the defaults infotext_skip_pasting [],
                        use_old_hires_fix_width_height False, auto_backcompat True; for Forge
                        sd_model_checkpoint "" (no model loaded: Forge drops "Model" when it
                        names the loaded one) and forge_additional_modules [] (none chosen)
  modules_forge.main_entry  module_list {} (Forge: no VAE / text encoder files installed)
  modules.ui_tempdir, modules.script_callbacks, modules.processing, modules.images,
  modules.errors        empty modules (not reached by parse_generation_parameters for texts
                        without "First pass size")
  lark                  modules/prompt_parser.py builds its scheduling grammar at import; only
                        its parse_prompt_attention runs here (whether the prompt uses emphasis),
                        as in third_party.load_parse_prompt_attention
  torch                 an empty module when torch is not installed: prompt_parser.py imports it
                        at module level for its conditioning functions, which do not run here
  packaging.version     parse(): A1111's infotext_versions compares versions with it; this stub
                        reads "1.6.0"/"v1.7.0-225"-style numbers and raises for anything else, as
                        packaging raises InvalidVersion (so parse_version() gives None for our
                        "Lightning Studio x.y.z", as with packaging)
modules/infotext_versions.py and modules/prompt_parser.py are the web UI's own files too.
"""
import argparse
import importlib.util
import json
import os
import re
import struct
import sys
import types
import zlib

from third_party import load_parse_prompt_attention

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
STUBS = {
    "gradio": "gr.update() -> dict; Button/components unused",
    "PIL": "Image unused (PNG text read with zlib/struct)",
    "modules.paths": "data_path = '.'",
    "modules.shared": "opts: infotext_styles=Ignore, infotext_skip_pasting=[], "
    "use_old_hires_fix_width_height=False, auto_backcompat=True; "
    "Forge: sd_model_checkpoint='', forge_additional_modules=[]",
    "modules_forge.main_entry": "Forge: module_list = {}",
    "modules.ui_tempdir": "empty",
    "modules.script_callbacks": "empty",
    "modules.processing": "empty",
    "modules.images": "empty",
    "modules.errors": "empty",
    "torch": "empty module when not installed (prompt_parser.py imports it)",
    "lark": "Lark() accepts the grammar (third_party.load_parse_prompt_attention)",
    "packaging.version": "parse(): dotted numbers with optional v prefix and -N suffix; "
    "raises otherwise",
}


def png_text(path):
    """Every text entry of the PNG at `path`. A repeated keyword keeps its first entry, as our
    reader does (PIL keeps the last); no PNG under tests/data/foreign repeats one."""
    data = open(path, "rb").read()
    if not data.startswith(PNG_SIGNATURE):
        raise ValueError(f"{path}: not a PNG")
    entries, pos = {}, len(PNG_SIGNATURE)
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"tEXt":
            key, text = body.split(b"\0", 1)
            value = text.decode("latin-1")
        elif kind == b"zTXt":
            key, rest = body.split(b"\0", 1)
            value = zlib.decompress(rest[1:]).decode("latin-1")
        elif kind == b"iTXt":
            key, rest = body.split(b"\0", 1)
            compressed, rest = rest[0], rest[2:]
            _language, _translated, text = rest.split(b"\0", 2)
            value = (zlib.decompress(text) if compressed else text).decode("utf-8")
        else:
            if kind == b"IEND":
                break
            continue
        entries.setdefault(key.decode("latin-1"), value)
    return entries


def _module(name, **attributes):
    module = types.ModuleType(name)
    module.__dict__.update(attributes)
    sys.modules[name] = module
    return module


def _version_parse(text):
    m = re.fullmatch(r"v?(\d+)\.(\d+)\.(\d+)(?:-(\d+))?", text)
    if not m:
        raise ValueError(f"invalid version {text!r}")
    return tuple(int(g or 0) for g in m.groups())


def install_stubs():
    gradio = _module("gradio", update=lambda **kwargs: dict(kwargs, __type__="update"))
    gradio.components = types.SimpleNamespace(Component=object)
    _module("PIL", Image=types.SimpleNamespace(Image=object))
    _module("packaging")
    _module("packaging.version", parse=_version_parse)
    sys.modules["packaging"].version = sys.modules["packaging.version"]
    if "torch" not in sys.modules and importlib.util.find_spec("torch") is None:
        _module("torch")
    opts = types.SimpleNamespace(infotext_styles="Ignore", infotext_skip_pasting=[],
                                 use_old_hires_fix_width_height=False, auto_backcompat=True,
                                 sd_model_checkpoint="", forge_additional_modules=[])
    modules = _module("modules")
    modules.__path__ = []
    for name, attrs in {"paths": {"data_path": "."}, "shared": {"opts": opts},
                        "ui_tempdir": {}, "script_callbacks": {}, "processing": {},
                        "images": {}, "errors": {}}.items():
        setattr(modules, name, _module("modules." + name, **attrs))
    forge = _module("modules_forge")
    forge.main_entry = _module("modules_forge.main_entry", module_list={})


def load_webui_module(webui, name):
    path = os.path.join(webui, "modules", name + ".py")
    spec = importlib.util.spec_from_file_location("modules." + name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["modules." + name] = module
    setattr(sys.modules["modules"], name, module)
    spec.loader.exec_module(module)
    return module


def load_parser(webui):
    """parse_generation_parameters of the web UI tree `webui`, imported afresh over new stubs."""
    for name in [n for n in sys.modules if n.split(".")[0] in ("modules", "modules_forge")]:
        del sys.modules[name]
    install_stubs()
    parse_prompt_attention = load_parse_prompt_attention(
        os.path.join(webui, "modules", "prompt_parser.py"))
    sys.modules["modules"].prompt_parser = _module(
        "modules.prompt_parser", parse_prompt_attention=parse_prompt_attention)
    load_webui_module(webui, "infotext_versions")
    return load_webui_module(webui, "infotext_utils").parse_generation_parameters


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--webui", required=True, help="stable-diffusion-webui tree")
    parser.add_argument("--webui-commit", required=True, help="its commit, recorded in the JSON")
    parser.add_argument("--forge", help="stable-diffusion-webui-forge tree (optional)")
    parser.add_argument("--forge-commit", help="its commit, recorded in the JSON")
    parser.add_argument("--base", default=".", help="PNG names are relative to this folder")
    parser.add_argument("--out", required=True)
    parser.add_argument("pngs", nargs="+")
    args = parser.parse_args()

    parsers = {"a1111": load_parser(args.webui)}
    if args.forge:
        parsers["forge"] = load_parser(args.forge)
    files = {}
    for path in sorted(args.pngs):
        text = png_text(path)
        entry = {"text": text}
        if "parameters" in text:
            for reader, parse in parsers.items():
                entry[reader] = parse(text["parameters"])
        files[os.path.relpath(path, args.base)] = entry
    sources = ["modules/infotext_utils.py", "modules/infotext_versions.py",
               "modules/prompt_parser.py"]
    result = {
        "generator": "bench/reference/foreign_readers.py",
        "a1111": {"repo": "AUTOMATIC1111/stable-diffusion-webui", "commit": args.webui_commit,
                  "files": sources, "function": "parse_generation_parameters", "stubs": STUBS},
        "files": files,
    }
    if args.forge:
        result["forge"] = {"repo": "lllyasviel/stable-diffusion-webui-forge",
                           "commit": args.forge_commit, "files": sources,
                           "function": "parse_generation_parameters", "stubs": STUBS}
    with open(args.out, "w", encoding="utf-8") as out:
        json.dump(result, out, ensure_ascii=False, indent=1, sort_keys=True)
        out.write("\n")


if __name__ == "__main__":
    main()
