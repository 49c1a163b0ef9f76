#!/usr/bin/env python3
"""Regenerates the committed seed corpora (fuzz/corpus/<target>/seed_*) from the golden fixtures.

Seeds are small on purpose: real-looking headers/configs/texts cut down to a few KB, so that
libFuzzer starts from valid structure and spends its time mutating it. Reproducers of fixed
findings live in fuzz/reproducers/<target>/ and are never regenerated.

    fuzz/make_seeds.py [FIXTURES]   (default: ../shared/fixtures from the repository root)
"""
import json
import pathlib
import shutil
import struct
import sys
import zlib

REPO = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared" / "fixtures"
CONFIGS = FIXTURES.parent / "configs"
CORPUS = REPO / "fuzz" / "corpus"


def write(target, name, data):
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"seed_{name}").write_bytes(data.encode() if isinstance(data, str) else data)


def clear_seeds(target):
    for old in (CORPUS / target).glob("seed_*"):
        old.unlink()


# --- safetensors headers ----------------------------------------------------------------------

ITEM = {"F16": 2, "BF16": 2, "F32": 4, "F64": 8, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1,
        "BOOL": 1}


def read_header(path):
    raw = path.read_bytes()
    (length,) = struct.unpack("<Q", raw[:8])
    return json.loads(raw[8:8 + length])


def safetensors(entries, metadata=None, pad=True):
    """A file with `entries` = [(name, dtype, shape)] laid out back to back, zero data."""
    header, offset = {}, 0
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, dtype, shape in entries:
        size = ITEM[dtype]
        for d in shape:
            size *= d
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + size]}
        offset += size
    text = json.dumps(header, separators=(",", ":"))
    if pad:
        text += " " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text.encode() + bytes(offset)


def small_entries(path, limit, max_bytes=512):
    """The first `limit` tensors of a fixture file whose data is at most max_bytes."""
    out = []
    for name, info in read_header(path).items():
        if name == "__metadata__":
            continue
        size = ITEM[info["dtype"]]
        for d in info["shape"]:
            size *= d
        if size <= max_bytes:
            out.append((name, info["dtype"], info["shape"]))
        if len(out) == limit:
            break
    return out


def safetensors_seeds():
    clear_seeds("safetensors_header")
    pt = {"format": "pt"}
    write("safetensors_header", "lora_kohya",
          safetensors(small_entries(FIXTURES / "tiny-lightning/sdxl_lightning_4step_lora.safetensors", 6), pt))
    write("safetensors_header", "text_encoder_f16",
          safetensors(small_entries(FIXTURES / "tiny-sdxl/text_encoder/model.safetensors", 5), pt))
    write("safetensors_header", "unet_f32",
          safetensors(small_entries(FIXTURES / "tiny-sdxl/unet/diffusion_pytorch_model.safetensors", 4), pt))
    write("safetensors_header", "every_dtype",
          safetensors([(f"t_{d.lower()}", d, [2, 1]) for d in ITEM], {"format": "pt", "note": "é"}))
    write("safetensors_header", "scalar_and_empty",
          safetensors([("alpha", "F16", []), ("empty", "F32", [0, 3])]))
    write("safetensors_header", "no_metadata_unpadded",
          safetensors([("w", "BF16", [3])], pad=False))
    write("safetensors_header", "empty_header", safetensors([], pad=False))


# --- configs ----------------------------------------------------------------------------------

def config_seeds():
    clear_seeds("config")
    for rel in ["unet/config.json", "vae/config.json", "text_encoder/config.json",
                "text_encoder_2/config.json", "scheduler/scheduler_config.json",
                "model_index.json"]:
        write("config", "tiny_" + rel.replace("/", "_"), (FIXTURES / "tiny-sdxl" / rel).read_bytes())
    for path in sorted((CONFIGS / "sdxl-base").glob("*/*.json")):
        write("config", f"sdxl_{path.parent.name}_{path.name}", path.read_bytes())


# --- PNG text chunks --------------------------------------------------------------------------

def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(*text_chunks):
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)  # 1x1, 8-bit grey
    idat = zlib.compress(b"\x00\x80")                     # filter 0, one pixel
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + b"".join(text_chunks) +
            chunk(b"IDAT", idat) + chunk(b"IEND", b""))


def png_seeds():
    clear_seeds("png_text")
    params = PARAMETERS["lightning_4step"].encode()
    write("png_text", "text_parameters", png(chunk(b"tEXt", b"parameters\0" + params)))
    write("png_text", "text_latin1", png(chunk(b"tEXt", b"parameters\0caf\xe9 cr\xe8me\nSteps: 4")))
    write("png_text", "itxt_utf8",
          png(chunk(b"iTXt", b"parameters\0\0\0\0\0" + "東京タワー 🚀\nSteps: 2".encode())))
    write("png_text", "itxt_compressed",
          png(chunk(b"iTXt", b"parameters\0\1\0en\0Parameter\0" + zlib.compress(params))))
    write("png_text", "ztxt", png(chunk(b"zTXt", b"Comment\0\0" + zlib.compress(b"made by hand"))))
    write("png_text", "several", png(chunk(b"tEXt", b"Software\0Lightning Studio"),
                                     chunk(b"tEXt", b"parameters\0" + params)))
    write("png_text", "no_text", png())


# --- parameters texts -------------------------------------------------------------------------

PARAMETERS = {
    "lightning_4step": "a lighthouse at dusk, dramatic clouds\nSteps: 4, Sampler: Euler, "
                       "Schedule type: trailing, CFG scale: 0, Seed: 42, Size: 1024x1024, "
                       "Model: sdxl-base, Lightning: 4step",
    "negative_prompt": "portrait of a cat, oil painting\nNegative prompt: blurry, lowres\n"
                       "Steps: 8, Sampler: Euler, Schedule type: trailing, CFG scale: 1.5, "
                       "Seed: 18446744073709551615, Size: 832x1216, Model: sdxl-base, "
                       "Lightning: 8step, Clip skip: 2",
    "multiline_prompt": "line one\nline two\n\nline four\nSteps: 1, Sampler: Euler, CFG scale: 0, "
                        "Seed: 7, Size: 64x64, Model: tiny-sdxl, Lightning: 1step",
    "quoted_model": "a fox\nSteps: 4, Sampler: Euler, Schedule type: trailing, CFG scale: 0, "
                    "Seed: 1, Size: 1024x1024, Model: \"my, model: \\\"v2\\\"\\nfinal\"",
    "empty_prompt_negative": "Negative prompt: ugly\nSteps: 2, Sampler: Euler, CFG scale: 3, "
                             "Seed: 3, Size: 96x64, Model: sdxl_lightning_4step",
    "a1111_full": "masterpiece, (best quality:1.2), <lora:detail:0.6>\nNegative prompt: "
                  "(worst quality:1.4), watermark\nSteps: 30, Sampler: DPM++ 2M Karras, "
                  "CFG scale: 7, Seed: 3145123520, Size: 1024x1536, Model hash: 31e35c80fc, "
                  "Model: sd_xl_base_1.0, Denoising strength: 0.35, Clip skip: 2, "
                  "Lora hashes: \"detail: 62b2b4fb0f1c\", Hires upscale: 1.5, "
                  "Hires upscaler: 4x-UltraSharp, Version: v1.9.4",
    "comfy_like": "a photo\nSteps: 20, Sampler: euler_ancestral, CFG scale: 6.5, Seed: 0, "
                  "Size: 512x512",
    "unicode": "東京の夜景, café ☕\nNegative prompt: 低品質\nSteps: 4, Sampler: Euler, "
               "Schedule type: leading, CFG scale: 0, Seed: 99, Size: 1024x576, Model: base",
    # Dynamic prompts: the resolved prompt, its templates under sd-dynamic-prompts' keys.
    "dynamic_prompts": "a red fox\nNegative prompt: dark\nSteps: 4, Sampler: Euler, "
                       "CFG scale: 1.5, Seed: 8, Size: 64x64, Template: \"a {red|blue} "
                       "__animal__, {2$$ and $$x|y}\", Negative Template: {dark|blurry}, "
                       "Version: Lightning Studio 0.2.0\nTemplate: {old|layout}",
    # A1111's variation seed keys (modules/processing.py create_infotext) and its RNG source.
    "a1111_variation": "a castle on a hill\nSteps: 20, Sampler: Euler a, CFG scale: 7, "
                       "Seed: 1234, Size: 512x640, Variation seed: 5678, "
                       "Variation seed strength: 0.3, Seed resize from: 512x512, RNG: CPU, "
                       "Version: v1.10.1",
    # A prompt and a negative holding a "Negative prompt:" line, written as JSON strings.
    "quoted_negative_line": "\"a cat\\nNegative prompt: a dog\"\nNegative prompt: "
                            "\" blurry\\r\\nNegative prompt: x \"\nSteps: 4, Sampler: Euler, "
                            "CFG scale: 2, Seed: 5, Size: 64x64",
}


def parameters_seeds():
    clear_seeds("parameters")
    for name, text in PARAMETERS.items():
        write("parameters", name, text)


# --- prompts ----------------------------------------------------------------------------------

def prompt_seeds():
    clear_seeds("clip_tokenizer")
    cases = json.loads((FIXTURES / "golden/tokenizer_cases.json").read_text())["cases"]
    # Every 6th case spans the whole file (plain English, whitespace, Latin, CJK, emoji, symbols,
    # special tokens, long prompts) and keeps the corpus at ~50 files.
    for i, case in enumerate(cases[::6]):
        write("clip_tokenizer", f"case_{i:03d}", case["prompt"])
    prompts = json.loads((FIXTURES / "golden-prompts/manifest.json").read_text())["cases"]
    for case in prompts:
        write("clip_tokenizer", case["id"].split("_w")[0], case["inputs"]["prompt"])
    write("clip_tokenizer", "invalid_utf8", b"caf\xc3 \xed\xa0\x80 \xf4\x90\x80\x80 \xe2\x82x")


# --- LoRA keys --------------------------------------------------------------------------------

def lora_seeds():
    clear_seeds("lora_names")
    names = [n for n in read_header(FIXTURES / "tiny-lightning/sdxl_lightning_4step_lora.safetensors")
             if n != "__metadata__"]
    write("lora_names", "kohya_fixture", "\n".join(names[:24]))
    modules = sorted({n.rsplit(".", 2)[0] if n.endswith(".weight") else n.rsplit(".", 1)[0]
                      for n in names[:24]})
    dotted = [m[len("lora_unet_"):] for m in modules]
    # The kohya names flatten dots; the diffusers module names of the same modules:
    unet = [n[:-len(".weight")] for n in read_header(
        FIXTURES / "tiny-sdxl/unet/diffusion_pytorch_model.safetensors") if n.endswith(".weight")]
    flat = {m.replace(".", "_"): m for m in unet}
    peft = [flat[d] for d in dotted if d in flat]
    write("lora_names", "peft_unet", "\n".join(
        f"unet.{m}.{f}" for m in peft for f in ("lora_A.weight", "lora_B.weight", "alpha")))
    write("lora_names", "diffusers_old_processor", "\n".join([
        "unet.down_blocks.1.attentions.0.transformer_blocks.0.attn1.processor.to_q_lora.down.weight",
        "unet.down_blocks.1.attentions.0.transformer_blocks.0.attn1.processor.to_q_lora.up.weight",
        "unet.down_blocks.1.attentions.0.transformer_blocks.0.attn1.processor.to_out_lora.down.weight",
        "unet.down_blocks.1.attentions.0.transformer_blocks.0.attn1.processor.to_out_lora.up.weight"]))
    write("lora_names", "text_encoders", "\n".join([
        "lora_te1_text_model_encoder_layers_0_self_attn_q_proj.lora_down.weight",
        "lora_te1_text_model_encoder_layers_0_self_attn_q_proj.lora_up.weight",
        "lora_te1_text_model_encoder_layers_0_self_attn_q_proj.alpha",
        "lora_te2_encoder_layers_1_mlp_fc1.lora_down.weight",
        "lora_te2_encoder_layers_1_mlp_fc1.lora_up.weight",
        "text_encoder_2.text_model.encoder.layers.0.self_attn.k_proj.lora_A.weight",
        "text_encoder_2.text_model.encoder.layers.0.self_attn.k_proj.lora_B.weight",
        "lora_te_text_model_encoder_layers_2_self_attn_out_proj.lora_down.weight"]))
    write("lora_names", "sgm_names", "\n".join([
        "lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q.lora_down.weight",
        "lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q.lora_up.weight",
        "lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q.alpha",
        "lora_unet_middle_block_1_proj_in.lora_down.weight",
        "lora_unet_middle_block_1_proj_in.lora_up.weight",
        "lora_unet_input_blocks_1_0_in_layers_2.lora_down.weight",
        "lora_unet_input_blocks_1_0_in_layers_2.lora_up.weight"]))
    write("lora_names", "unsupported", "\n".join([
        "lora_unet_mid_block_resnets_1_conv1.hada_w1_a",
        "lora_unet_mid_block_resnets_1_conv1",
        "model.diffusion_model.input_blocks.0.0.weight",
        "unet.no_such_module.lora_A.weight",
        "lora_unet_mid_block_resnets_1_conv1.lora_up.weight"]))


# --- batch manifest lines ---------------------------------------------------------------------

def manifest_seeds():
    clear_seeds("manifest_line")
    lines = {
        "minimal": {"prompt": "a fox"},
        "full": {"prompt": "a lighthouse, (dusk:1.2)", "negative_prompt": "blurry", "seed": 42,
                 "steps": 4, "guidance": 0, "width": 1024, "height": 768, "batch": 2,
                 "clip_skip": 2, "timestep_spacing": "trailing", "prompt_syntax": "a1111",
                 "meta": {"id": "row-17", "tags": ["a", "b"]}},
        "loras": {"prompt": "x", "loras": [{"path": "style.safetensors", "scale": 0.8},
                                           {"path": "../detail.safetensors"}],
                  "embeddings": [{"path": "neg.safetensors", "token": "neg1"}],
                  "unet_file": "unet/sdxl_lightning_4step_unet.safetensors"},
        "compel": {"prompt": "a cat++ (in a hat)-.and()", "prompt_syntax": "compel",
                   "size": "1024x1024", "vae_tiling": True},
        "dynamic_prompts": {"prompt": "a {red|blue} __animal__", "negative_template": "{x|y}",
                            "wildcards": "wildcards", "combinatorial": True},
        "variation": {"prompt": "a fox", "seed": 1234, "variation_seed": "5678",
                      "variation_strength": 0.3, "seed_resize_from": "768x640", "batch": 2},
    }
    for name, line in lines.items():
        write("manifest_line", name, json.dumps(line, ensure_ascii=False))
    write("manifest_line", "duplicate_key", '{"prompt": "a", "seed": 1, "seed": 2}')
    write("manifest_line", "not_object", '["prompt", 1]')


# --- tokenizer folders ------------------------------------------------------------------------

SEPARATOR = "\n====\n"  # fuzz_tokenizer_files.cpp: vocab, merges, config, special map, tokenizer.json


def bytes_to_unicode():
    """GPT-2/CLIP's byte-level alphabet: byte -> printable character."""
    keep = list(range(ord("!"), ord("~") + 1)) + list(range(ord("\xa1"), ord("\xac") + 1)) + \
        list(range(ord("\xae"), ord("\xff") + 1))
    chars, extra = {}, 0
    for b in range(256):
        if b in keep:
            chars[b] = chr(b)
        else:
            chars[b] = chr(256 + extra)
            extra += 1
    return chars


def tiny_bpe():
    """A CLIP-shaped BPE small enough to mutate: every byte symbol, a few merges, specials."""
    symbols = list(bytes_to_unicode().values())
    vocab = {}
    for s in symbols + [s + "</w>" for s in symbols]:
        vocab[s] = len(vocab)
    merges = [("c", "a"), ("ca", "t</w>"), ("f", "o"), ("fo", "x</w>")]
    for left, right in merges:
        vocab.setdefault(left + right, len(vocab))
    vocab["<|startoftext|>"] = len(vocab)
    vocab["<|endoftext|>"] = len(vocab)
    return vocab, merges


def tokenizer_seeds():
    clear_seeds("tokenizer_files")
    folder = FIXTURES / "tiny-sdxl/tokenizer"
    config = (folder / "tokenizer_config.json").read_text()
    special = (folder / "special_tokens_map.json").read_text()
    vocab, merges = tiny_bpe()
    merges_text = "#version: 0.2\n" + "".join(f"{l} {r}\n" for l, r in merges)
    vocab_json = json.dumps(vocab, ensure_ascii=False)
    write("tokenizer_files", "vocab_and_merges",
          SEPARATOR.join([vocab_json, merges_text, config, special, ""]))
    write("tokenizer_files", "no_special_map", SEPARATOR.join([vocab_json, merges_text, config]))
    one_file = {"model": {"type": "BPE", "vocab": vocab,
                          "merges": [f"{l} {r}" for l, r in merges]},
                "added_tokens": [{"id": vocab["<|startoftext|>"], "content": "<|startoftext|>",
                                  "normalized": True, "special": True, "lstrip": False,
                                  "rstrip": False, "single_word": False}]}
    write("tokenizer_files", "tokenizer_json",
          SEPARATOR.join(["", "", config, special, json.dumps(one_file, ensure_ascii=False)]))
    one_file["model"]["merges"] = [[l, r] for l, r in merges]
    write("tokenizer_files", "tokenizer_json_pairs",
          SEPARATOR.join(["", "", config, "", json.dumps(one_file, ensure_ascii=False)]))


# --- gallery starring: PNG text rewrite -------------------------------------------------------

def png_edit_seeds():
    clear_seeds("png_text_edit")
    params = PARAMETERS["lightning_4step"].encode()
    studio = json.dumps({"request": {"prompt": "a lighthouse"}, "favourite": True}).encode()
    write("png_text_edit", "starred", png(chunk(b"tEXt", b"parameters\0" + params),
                                          chunk(b"iTXt", b"lightning-studio\0\0\0\0\0" + studio)))
    write("png_text_edit", "unstarred", png(chunk(b"tEXt", b"parameters\0" + params)))
    write("png_text_edit", "compressed_studio",
          png(chunk(b"iTXt", b"lightning-studio\0\1\0\0\0" + zlib.compress(studio))))
    write("png_text_edit", "text_after_idat", png() [:-12] +
          chunk(b"tEXt", b"Comment\0after the pixels") + chunk(b"IEND", b""))
    write("png_text_edit", "no_text", png())


# --- hub answers ------------------------------------------------------------------------------

def hub_seeds():
    clear_seeds("hub_responses")
    listing = {"_id": "x", "id": "ByteDance/SDXL-Lightning",
               "sha": "c9a24f48e1c025556787b0c58dd67a091ece2e44",
               "siblings": [{"rfilename": "sdxl_lightning_4step_unet.safetensors", "size": 5135149760,
                             "blobId": "2c9a2a5d3a4d2c8f9f0b1e1f0e6f1c6b2e0a9b7d",
                             "lfs": {"sha256": "e0" * 32, "size": 5135149760,
                                     "pointerSize": 135}},
                            {"rfilename": "README.md", "size": 1234,
                             "blobId": "0123456789abcdef0123456789abcdef01234567"}]}
    write("hub_responses", "listing", json.dumps(listing))
    write("hub_responses", "error_body", json.dumps({"error": "Repository not found"}))
    write("hub_responses", "redirect_headers",
          "HTTP/1.1 302 Found\r\nX-Repo-Commit: c9a24f48e1c025556787b0c58dd67a091ece2e44\r\n"
          "X-Linked-Etag: \"" + "e0" * 32 + "\"\r\nLocation: https://cdn/x\r\n\r\n"
          "HTTP/2 200\r\ncontent-range: bytes 100-199/200\r\nETag: W/\"abc\"\r\n\r\n")


# --- gallery index ----------------------------------------------------------------------------

def gallery_seeds():
    clear_seeds("gallery_index")
    record = {"prompt": "a lighthouse at dusk", "negative_prompt": None, "steps": 4,
              "guidance": 0.0, "width": 1024, "height": 1024, "seed": 42, "batch": 1,
              "clip_skip": 1, "unet_file": "", "prediction": None, "timestep_spacing": "trailing",
              "loras": [{"path": "style", "scale": 0.8, "name": "style", "hash": "0123456789"}],
              "prompt_syntax": "a1111", "embeddings": [], "vae_tiling": "auto",
              "model": {"name": "sdxl-base", "hash": ""}, "unet": {"name": "", "hash": ""},
              "vae": {"name": "", "hash": ""}, "sampler": "Euler",
              "version": "Lightning Studio 0.2.0", "extra": [["Note", "a, b"]]}
    item = {"file": "00001-42.png", "record": record, "seconds": 1.25,
            "created": "2026-12-07T10:00:00.000Z", "device": "cpu", "favourite": True,
            "size": 123456, "mtime": 1765101600000}
    old = {"file": "00000-7.png", "parameters": PARAMETERS["negative_prompt"],
           "seconds": 0.5, "created": "2026-12-06T09:00:00.000Z"}
    write("gallery_index", "own", json.dumps({"version": 3, "items": [item],
                                              "ignored": {"notes.png": "100/1765101600000"}},
                                             indent=1))
    write("gallery_index", "foreign", json.dumps({"version": 3, "folder": "/gallery",
                                                  "items": [item, old]}))
    refused = dict(item, file="00002-1.png", refused="prompt is too long",
                   record=dict(record, prompt="x" * 300))
    write("gallery_index", "version2_and_refused", json.dumps({"version": 2,
                                                               "items": [old, refused]}))


# --- other tools' metadata: real PNGs' entries, one byte naming the entry first ----------------

FOREIGN_KEYS = ["prompt", "workflow", "invokeai_metadata", "sd-metadata", "parameters"]


def foreign_seeds():
    sys.path.insert(0, str(REPO / "bench" / "reference"))
    from foreign_metadata_expected import text_entries
    clear_seeds("foreign_metadata")
    data = REPO / "tests" / "data" / "foreign"
    for png_file in sorted(data.glob("png/*.png")) + sorted(data.glob("tools/*.png")):
        for key, text in text_entries(png_file).items():
            if key in FOREIGN_KEYS:
                write("foreign_metadata", f"{png_file.stem}_{key}",
                      bytes([FOREIGN_KEYS.index(key)]) + text.encode())


# --- single-file checkpoints (names and shapes) ------------------------------------------------

def shape_lines(header, keep=lambda name: True, rename=lambda name: name):
    return "".join(f"{rename(name)}:{','.join(map(str, entry['shape']))}\n"
                   for name, entry in sorted(header.items())
                   if name != "__metadata__" and keep(name))


def single_file_seeds():
    clear_seeds("single_file")
    header = read_header(FIXTURES / "tiny-lightning" / "sdxl_lightning_4step.safetensors")
    write("single_file", "whole", shape_lines(header))
    unet, vae = "model.diffusion_model.", "first_stage_model."
    write("single_file", "unet_only", shape_lines(header, lambda n: n.startswith(unet)))
    write("single_file", "ldm_unet_alone", shape_lines(
        header, lambda n: n.startswith(unet), lambda n: n[len(unet):]))
    write("single_file", "ldm_vae_alone", shape_lines(
        header, lambda n: n.startswith(vae), lambda n: n[len(vae):]))
    # VAE attention stored as Linear [C, C] (files converted from diffusers): read, and written
    # back as 1x1 convolutions.
    linear = {name: ({**entry, "shape": entry["shape"][:2]}
                     if ".mid.attn_1." in name and name.endswith("weight")
                     and len(entry["shape"]) == 4 else entry)
              for name, entry in header.items()}
    write("single_file", "vae_attention_linear", shape_lines(linear))
    write("single_file", "text_encoders", shape_lines(
        header, lambda n: n.startswith("conditioner.") or n.startswith(unet + "label_emb")))


if __name__ == "__main__":
    safetensors_seeds()
    config_seeds()
    png_seeds()
    parameters_seeds()
    prompt_seeds()
    lora_seeds()
    manifest_seeds()
    tokenizer_seeds()
    png_edit_seeds()
    hub_seeds()
    gallery_seeds()
    foreign_seeds()
    single_file_seeds()
    for target in sorted(CORPUS.iterdir()):
        files = list(target.iterdir())
        print(f"{target.name}: {len(files)} files, {sum(f.stat().st_size for f in files)} bytes")
