#!/usr/bin/env python3
"""What other tools' PNGs say about their generation, read straight from their text entries with
Python's own zlib and json modules, for tests/core/test_foreign_metadata.cpp.

    python3 bench/reference/foreign_metadata_expected.py --base tests/data/foreign \
        --out tests/data/foreign/tools/expected.json \
        png/comfyui_img2img_cropped.png png/invokeai_imeta1.png png/invokeai_sdmeta1.png \
        tools/*.png

For each PNG (named relative to --base) the JSON holds the tool, the entry read and the fields as
the tool wrote them: prompt, negative, seed, steps, cfg, width and height (null where the file
does not give them), the model and the LoRAs [name, weight], and what the app has no use for:
"unused" (the tool's keys, InvokeAI / Fooocus) or "nodes_not_read" (ComfyUI node types off the
sampler's paths). Nothing here comes from the app's reader: this script follows the JSON as the
tools' formats define it (ComfyUI: a node's input [id, slot] links to node id; KSampler's
positive/negative inputs link to CLIPTextEncode nodes, its latent_image to EmptyLatentImage, its
model through LoraLoader nodes to the checkpoint loader).
"""
import argparse
import ast
import json
import re
import struct
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"


def text_entries(path):
    """tEXt/zTXt/iTXt keyword -> text, the first of each keyword (as PIL's Image.info)."""
    data = open(path, "rb").read()
    assert data.startswith(SIGNATURE), path
    entries, offset = {}, len(SIGNATURE)
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset:offset + 4])
        kind, body = data[offset + 4:offset + 8], data[offset + 8:offset + 8 + length]
        offset += 12 + length
        if kind == b"tEXt":
            key, text = body.split(b"\0", 1)
            text = text.decode("latin-1")
        elif kind == b"zTXt":
            key, rest = body.split(b"\0", 1)
            text = zlib.decompress(rest[1:]).decode("latin-1")
        elif kind == b"iTXt":
            key, rest = body.split(b"\0", 1)
            compressed, rest = rest[0], rest[2:]
            _, rest = rest.split(b"\0", 1)  # language tag
            _, rest = rest.split(b"\0", 1)  # translated keyword
            text = (zlib.decompress(rest) if compressed else rest).decode("utf-8")
        else:
            continue
        entries.setdefault(key.decode("latin-1"), text)
    return entries


def stem(name):
    name = re.split(r"[\\/]", name)[-1]
    return re.sub(r"\.(safetensors|ckpt|pt|pth|bin|gguf)$", "", name)


SAMPLERS = ("KSampler", "KSamplerAdvanced")
PLUMBING = ("VAEDecode", "VAEDecodeTiled", "SaveImage", "PreviewImage", "VAELoader")


def comfyui(prompt):
    graph = json.loads(prompt)
    firsts = sorted((int(i) for i, n in graph.items() if n["class_type"] in SAMPLERS
                     and graph[n["inputs"]["latent_image"][0]]["class_type"] not in SAMPLERS))
    sampler_id = str(firsts[0])
    sampler = graph[sampler_id]["inputs"]
    on_path = {sampler_id}

    def text_of(link):
        node = graph[link[0]]
        if node["class_type"] != "CLIPTextEncode":
            return None
        on_path.add(link[0])
        return node["inputs"]["text"]

    latent = graph[sampler["latent_image"][0]]
    width = height = None
    if latent["class_type"] == "EmptyLatentImage":
        on_path.add(sampler["latent_image"][0])
        width, height = latent["inputs"]["width"], latent["inputs"]["height"]
    model, loras, link = None, [], sampler["model"]
    while link:
        on_path.add(link[0])
        node = graph[link[0]]
        if node["class_type"] == "LoraLoader":
            loras.insert(0, [stem(node["inputs"]["lora_name"]), node["inputs"]["strength_model"]])
            link = node["inputs"]["model"]
        else:
            model, link = stem(node["inputs"]["ckpt_name"]), None
    positive, negative = text_of(sampler["positive"]), text_of(sampler["negative"])
    return {
        "tool": "ComfyUI", "source": "prompt", "prompt": positive, "negative": negative,
        "seed": sampler.get("seed", sampler.get("noise_seed")), "steps": sampler["steps"],
        "cfg": sampler["cfg"], "width": width, "height": height, "model": model, "loras": loras,
        "scheduler": sampler["scheduler"], "denoise": sampler.get("denoise", 1.0),
        "nodes_not_read": sorted({n["class_type"] for i, n in graph.items()
                                  if i not in on_path and n["class_type"] not in PLUMBING}),
    }


INVOKEAI_MAPPED = {"positive_prompt", "negative_prompt", "width", "height", "seed", "cfg_scale",
                   "steps", "scheduler", "model", "vae", "loras", "app_version"}


def empty(value):
    return value is None or (isinstance(value, (str, list, dict)) and len(value) == 0)


def invokeai(text):
    meta = json.loads(text)
    return {
        "tool": "InvokeAI", "source": "invokeai_metadata", "prompt": meta["positive_prompt"],
        "negative": meta["negative_prompt"], "seed": meta["seed"], "steps": meta["steps"],
        "cfg": meta["cfg_scale"], "width": meta["width"], "height": meta["height"],
        "model": meta["model"].get("model_name", meta["model"].get("name")),
        "loras": [[entry.get("lora", entry.get("model"))["model_name"], entry["weight"]]
                  for entry in meta.get("loras", [])],
        "unused": sorted(k for k, v in meta.items() if k not in INVOKEAI_MAPPED and not empty(v)),
    }


def invokeai_sd(text):
    meta = json.loads(text)
    image = meta["image"]
    prompt = image["prompt"]
    return {
        "tool": "InvokeAI", "source": "sd-metadata",
        "prompt": prompt[0]["prompt"] if isinstance(prompt, list) else prompt, "negative": None,
        "seed": image["seed"], "steps": image["steps"], "cfg": image["cfg_scale"],
        "width": image["width"], "height": image["height"], "model": meta["model_weights"],
        "loras": [],
        "unused": sorted(k for k, v in image.items()
                         if k not in {"prompt", "seed", "steps", "cfg_scale", "width", "height",
                                      "sampler"} and not empty(v)),
    }


FOOOCUS_MAPPED = {"prompt", "negative_prompt", "seed", "steps", "guidance_scale", "resolution",
                  "base_model", "base_model_hash", "loras", "sampler", "version", "vae",
                  "metadata_scheme"}


def fooocus(text):
    meta = json.loads(text)
    width, height = ast.literal_eval(meta["resolution"])  # Fooocus: eval() of "(w, h)"
    return {
        "tool": "Fooocus", "source": "parameters", "prompt": meta["prompt"],
        "negative": meta["negative_prompt"], "seed": int(meta["seed"]), "steps": meta["steps"],
        "cfg": meta["guidance_scale"], "width": width, "height": height,
        "model": meta["base_model"], "loras": [[n, w] for n, w, *_ in meta["loras"]],
        "unused": sorted(k for k, v in meta.items() if k not in FOOOCUS_MAPPED and not empty(v)
                         and not (k == "refiner_model" and v == "None")),
    }


def expected(entries):
    if "prompt" in entries:
        return comfyui(entries["prompt"])
    if "invokeai_metadata" in entries:
        return invokeai(entries["invokeai_metadata"])
    if "sd-metadata" in entries:
        return invokeai_sd(entries["sd-metadata"])
    return fooocus(entries["parameters"])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    out = {"generator": "bench/reference/foreign_metadata_expected.py", "files": {}}
    for name in args.files:
        out["files"][name] = expected(text_entries(f"{args.base}/{name}"))
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, sort_keys=True, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
