"""Goldens for Lightning Studio's prompt syntaxes, long prompts, clip_skip, VAE files and VAE
tiling, made by running the reference code on the tiny fixture models (CPU, float32).

    python3 make_prompt_goldens.py --fixtures DIR --a1111-webui stable-diffusion-webui \
        --compel-src compel/src --convert-script convert_diffusers_to_original_sdxl.py \
        --out OUT_DIR [--only compel,a1111,clip_skip,vae]

Needs torch, transformers, safetensors and diffusers (src/ of commit 58eb52c0 on PYTHONPATH).
Writes into OUT_DIR:
  compel_chunks.json / .safetensors  compel 2.4.0 itself on long prompts around the 75-token
                                     chunk size: ids, per-token weights, conditioning, pooled
  a1111_text.json / .safetensors     AUTOMATIC1111 stable-diffusion-webui's own conditioning code
                                     (prompt_parser, sd_hijack_clip, sd_hijack_open_clip,
                                     sd_emphasis, sd_models_xl; AGPL-3.0, run from the checkout
                                     given, never copied), with only the model objects swapped for
                                     the tiny encoders: bench/reference/a1111_webui.py lists the
                                     files, their commits and every stub. Chunks, multipliers,
                                     the ids each encoder got, conditioning, pooled
  a1111_pipelines/                   full StableDiffusionXLPipeline runs fed with those A1111
                                     conditionings (CFG, zero negative, the webui's
                                     CFGDenoiser.pad_cond_uncond padding)
  clip_skip.json / .safetensors      diffusers' StableDiffusionXLPipeline.encode_prompt with
                                     clip_skip 1 and 2, with and without a negative prompt
  vae/                               diffusers AutoencoderKL decode, untiled and tiled
                                     (enable_tiling, also with small tile sizes), a second tiny VAE
                                     as diffusers folder and ldm single file (diffusers'
                                     scripts/convert_diffusers_to_original_sdxl.py), and a
                                     pipeline run with it and tiling on
"""
import argparse
import json
import math
import os
import sys
import traceback

import torch
from safetensors.torch import load_file, save_file

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

torch.use_deterministic_algorithms(True)
torch.set_num_threads(16)

WORDS = ("red blue green cat dog house tree river stone cloud light night day sun moon star road "
         "city field lake boat bird fish wind rain snow fire gold silver glass wood paper book "
         "door window garden flower leaf mountain valley forest island bridge tower castle horse "
         "king queen girl boy man woman child old new small big dark bright warm cold soft hard "
         "quiet loud fast slow happy sad sweet").split()


def words(n, start=0):
    return " ".join(WORDS[(start + i) % len(WORDS)] for i in range(n))


def log(*args):
    print(*args, flush=True)


def section(name, fn, errors):
    try:
        fn()
        log(f"[{name}] done")
    except Exception:
        errors.append(name)
        log(f"[{name}] FAILED")
        traceback.print_exc()


def tiny_pipeline(fixtures, unet_file="sdxl_lightning_4step_unet.safetensors", vae=None):
    from diffusers import EulerDiscreteScheduler, StableDiffusionXLPipeline, UNet2DConditionModel
    tiny = os.path.join(fixtures, "tiny-sdxl")
    unet = UNet2DConditionModel.from_config(UNet2DConditionModel.load_config(tiny + "/unet"))
    unet.load_state_dict(load_file(os.path.join(fixtures, "tiny-lightning", unet_file)))
    extra = {"vae": vae} if vae is not None else {}
    pipe = StableDiffusionXLPipeline.from_pretrained(tiny, unet=unet, dtype=torch.float32,
                                                     add_watermarker=False, **extra)
    pipe.scheduler = EulerDiscreteScheduler.from_config(
        pipe.scheduler.config, timestep_spacing="trailing", prediction_type="epsilon")
    return pipe


def run_recorded(pipe, seed, width, height, steps, guidance, **embeds):
    """One pipeline call; returns the golden-named tensors (noise, step latents, decode, image)."""
    import numpy as np
    record = {}
    shape = (1, 4, height // 8, width // 8)
    record["noise"] = torch.randn(shape, generator=torch.Generator("cpu").manual_seed(seed))

    def on_step(p, i, t, kwargs):
        record[f"step{i}.latents"] = kwargs["latents"].clone()
        return kwargs

    original_decode = pipe.vae.decode

    def recording_decode(z, *args, **kwargs):
        record["vae_input"] = z.clone()
        out = original_decode(z, *args, **kwargs)
        record["vae_decoded"] = (out.sample if hasattr(out, "sample") else out[0]).clone()
        return out

    pipe.vae.decode = recording_decode
    try:
        image = pipe(height=height, width=width, num_inference_steps=steps, guidance_scale=guidance,
                     generator=torch.Generator("cpu").manual_seed(seed), output_type="pil",
                     callback_on_step_end=on_step, **embeds).images[0]
    finally:
        pipe.vae.decode = original_decode
    record["final_latents"] = record[f"step{steps - 1}.latents"].clone()
    record["image"] = (record["vae_decoded"] * 0.5 + 0.5).clamp(0, 1)
    record["image_uint8"] = torch.from_numpy(np.array(image)).unsqueeze(0).contiguous()
    return record


# --------------------------------------------------------------------------------------------
# compel on long prompts


def compel_section(args, out):
    sys.path.insert(0, args.compel_src)
    from compel import Compel, ReturnedEmbeddingsType
    pipe = tiny_pipeline(args.fixtures)
    compel = Compel(tokenizer=[pipe.tokenizer, pipe.tokenizer_2],
                    text_encoder=[pipe.text_encoder, pipe.text_encoder_2],
                    returned_embeddings_type=ReturnedEmbeddingsType.PENULTIMATE_HIDDEN_STATES_NON_NORMALIZED,
                    requires_pooled=[False, True], truncate_long_prompts=False)
    providers = compel.conditioning_provider.embedding_providers
    prompts = {f"words_{n}": words(n) for n in (74, 75, 76, 77, 78, 80, 150, 151)}
    prompts["sentence_split"] = (words(30) + ". " + words(30, 30) + ". " + words(30, 60))
    prompts["comma_split"] = words(40) + ", " + words(25, 40) + ", " + words(30, 65)
    prompts["no_word_end"] = "qzx" * 70 + " end"
    prompts["weighted_across_boundary"] = words(70) + " (" + words(10, 70) + ")1.3 " + words(5, 80)
    prompts["downweighted_chunk2"] = words(80) + " (" + words(4, 80) + ")0.6 " + words(6, 84)
    prompts["downweighted_across_boundary"] = words(72) + " (" + words(8, 72) + ")0.5 " + words(3)
    prompts["and_long"] = '("' + words(90) + '", "' + words(5, 3) + '").and()'
    prompts["exclamation"] = "a cat!!! wow! (so cute)1.2"
    prompts["quotes_and_escapes"] = 'a "glass bird"++ on a \\(wooden\\) shelf, light--'
    tensors, doc = {}, []
    for name, prompt in prompts.items():
        cond, pooled = compel(prompt)
        conj = compel.parse_prompt_string(prompt)
        ids, ids2, weights = [], [], []
        for part in conj.prompts:
            frags = [x.text for x in part.children]
            ws = [x.weight for x in part.children]
            t1, w1, _ = providers[0].get_token_ids_and_expand_weights(frags, ws, device="cpu")
            t2, w2, _ = providers[1].get_token_ids_and_expand_weights(frags, ws, device="cpu")
            ids.append(t1)
            ids2.append(t2)
            weights.append(w1)
        tensors[name + ".input_ids"] = torch.cat(ids).unsqueeze(0)
        tensors[name + ".input_ids_2"] = torch.cat(ids2).unsqueeze(0)
        tensors[name + ".token_weights"] = torch.cat(weights).unsqueeze(0).float()
        tensors[name + ".prompt_embeds"] = cond.contiguous()
        tensors[name + ".add_text_embeds"] = pooled.contiguous()
        doc.append({"id": name, "prompt": prompt, "tokens": int(sum(len(x) for x in ids)),
                    "conditioning_shape": list(cond.shape)})
    save_file(tensors, os.path.join(out, "compel_chunks.safetensors"))
    with open(os.path.join(out, "compel_chunks.json"), "w") as f:
        json.dump({"generator": "bench/reference/make_prompt_goldens.py (compel section)",
                   "compel": "2.4.0 (damian0815/compel @ c60b9fbc, src/compel)",
                   "construction": "as golden-prompts/README.md", "cases": doc}, f, indent=1)


# --------------------------------------------------------------------------------------------
# A1111


A1111_TEXT = {
    "plain": "a photo of a cat",
    "emphasis": "a (red) fox, [blurry] background, (sharp:1.5) eyes",
    "doc_example": "a (((house:1.3)) [on] a (hill:0.5), sun, (((sky))).",
    "escapes": "a \\(literal\\] and \\\\ backslash (x)",
    "unbalanced": "(unbalanced and [also unbalanced",
    "break": "a cat BREAK a dog",
    "break_first": "BREAK a dog",
    "break_last": "a cat BREAK",
    "break_weighted": "(a BREAK b:1.2)",
    "empty": "",
    "exclamation": "a cat!!! wow!",
    "newline": "a cat\non a mat",
    "words_74": words(74), "words_75": words(75), "words_76": words(76), "words_77": words(77),
    "words_78": words(78), "words_80": words(80), "words_150": words(150), "words_151": words(151),
    "comma_backtrack": words(70) + ", " + words(10, 70),
    "comma_too_far": words(50) + ", " + words(30, 50),
    "comma_at_75": words(74) + ", " + words(5, 74),
    "comma_at_76": words(75) + ", " + words(5, 75),
    "commas_many": ", ".join(words(3, i * 3) for i in range(30)),
    "weighted_backtrack": words(68) + ", (" + words(12, 68) + ":1.4)",
    "weight_in_chunk2": words(80) + " (" + words(3, 80) + ":0.7) [" + words(2) + "]",
    "negative_weight": "a (cat:-0.5) on a mat",
    "zero_weight": "a (cat:0) on a mat",
    "nested_mixed": "((a [b] (c:0.8)) d)",
    "weight_spaces": "(cat : 1.3) and (dog:  .5 )",
    "break_twice": "a BREAK BREAK b",
    "break_lowercase": "a break b",
    "break_at_75": words(75) + " BREAK " + words(3),
    "comma_then_break": words(70) + ", " + words(3) + " BREAK " + words(10),
    "upper_mixed": "A Photo OF a CAT, Highly Detailed",
    "whitespace": "a  cat\t on   a mat ",
    "only_commas": ", , ,",
    "unicode": "caf\u00e9 na\u00efve \u732b",
    "long_weighted": ("(" + words(100) + ":1.2) " + words(120, 5) + " [" + words(90, 9) + "]"),
}

A1111_PIPELINES = [
    # id, prompt, negative (None: none given), guidance, steps, seed
    ("a1111_weighted_w64_h64_seed5", "a (red:1.3) fox in [fog], (masterpiece)", None, 0.0, 4, 5),
    ("a1111_long_zero_negative_cfg3_w64_h64_seed6",
     words(60) + " BREAK (" + words(20, 60) + ":1.2)", "", 3.0, 4, 6),
    ("a1111_negative_longer_cfg2_w64_h64_seed7", "a (quiet:1.2) harbor at dawn",
     "[blurry], " + words(80, 5) + ", (lowres:1.4)", 2.0, 2, 7),
]


def a1111_section(args, out):
    from a1111_webui import A1111
    pipe = tiny_pipeline(args.fixtures)
    webui = A1111(args.a1111_webui, pipe)
    tensors, doc = {}, []
    for name, prompt in A1111_TEXT.items():
        cond, chunks, count, _, ids_2 = webui.condition(prompt)
        tensors[name + ".prompt_embeds"] = cond["crossattn"].contiguous()
        tensors[name + ".add_text_embeds"] = cond["vector"].contiguous()
        doc.append({"id": name, "prompt": prompt, "parsed": webui.parse(prompt),
                    "token_count": count,
                    "chunks": [{"tokens": ch.tokens, "multipliers": ch.multipliers,
                                "input_ids_2": ids_2[0, 77 * k:77 * (k + 1)].tolist()}
                               for k, ch in enumerate(chunks)]})
    save_file(tensors, os.path.join(out, "a1111_text.safetensors"))

    cases = []
    pipe_dir = os.path.join(out, "a1111_pipelines")
    os.makedirs(pipe_dir, exist_ok=True)
    for case_id, prompt, negative, guidance, steps, seed in A1111_PIPELINES:
        cond, chunks, _, ids, ids_2 = webui.condition(prompt, width=64, height=64)
        c, pooled = cond["crossattn"], cond["vector"]
        record = {"input_ids": ids, "input_ids_2": ids_2,
                  "token_weights": torch.tensor([sum((ch.multipliers for ch in chunks), [])],
                                                dtype=torch.float32)}
        embeds = {"prompt_embeds": c, "pooled_prompt_embeds": pooled}
        prompt_embeds = c
        if guidance > 1:
            # A1111 always has a negative prompt; "" is what it sends when none is given.
            ncond, nchunks, _, nids, nids_2 = webui.condition(negative or "", negative=True,
                                                              width=64, height=64)
            nc, npooled = ncond["crossattn"], ncond["vector"]
            if negative:  # an empty negative is zeros: no ids reach an encoder
                record["negative_input_ids"] = nids
                record["negative_input_ids_2"] = nids_2
                record["negative_token_weights"] = torch.tensor(
                    [sum((ch.multipliers for ch in nchunks), [])], dtype=torch.float32)
            c, nc = webui.pad_cond_uncond(c, nc)
            embeds = {"prompt_embeds": c, "pooled_prompt_embeds": pooled,
                      "negative_prompt_embeds": nc, "negative_pooled_prompt_embeds": npooled}
            prompt_embeds = torch.cat([nc, c])
            pooled = torch.cat([npooled, pooled])
        record.update(run_recorded(pipe, seed, 64, 64, steps, guidance, **embeds))
        record["prompt_embeds"] = prompt_embeds.contiguous()
        record["add_text_embeds"] = pooled.contiguous()
        save_file({k: v.contiguous() for k, v in record.items()},
                  os.path.join(pipe_dir, case_id + ".safetensors"))
        cases.append({"id": case_id, "kind": "pipeline", "category": "a1111",
                      "inputs": {"prompt": prompt, "negative_prompt": negative, "height": 64,
                                 "width": 64, "num_inference_steps": steps,
                                 "guidance_scale": guidance, "seed": seed},
                      "cli_extra": ["--prompt-syntax", "a1111"],
                      "model": {"pipeline": "tiny-sdxl",
                                "unet_weights": "tiny-lightning/sdxl_lightning_4step_unet.safetensors"},
                      "scheduler": {"timestep_spacing": "trailing", "prediction_type": "epsilon"},
                      "files": {"tensors": "a1111_pipelines/" + case_id + ".safetensors"}})
    with open(os.path.join(out, "a1111_text.json"), "w") as f:
        json.dump({"generator": "bench/reference/make_prompt_goldens.py (a1111 section)",
                   "reference": "stable-diffusion-webui's own modules run by "
                                "bench/reference/a1111_webui.py (files and commits there)",
                   "options": "A1111 defaults; pipeline cases pad cond/uncond with "
                              "CFGDenoiser.pad_cond_uncond (option pad_cond_uncond on)",
                   "text_cases": doc, "pipeline_cases": cases}, f, indent=1, ensure_ascii=False)


# --------------------------------------------------------------------------------------------
# clip_skip (diffusers' encode_prompt)


CLIP_SKIP_PROMPTS = {"short": "a photo of a cat", "long": words(80)}


def clip_skip_section(args, out):
    pipe = tiny_pipeline(args.fixtures)
    tensors, doc = {}, []
    for name, prompt in CLIP_SKIP_PROMPTS.items():
        for clip_skip in (1, 2):
            for negative in (None, "blurry, lowres"):
                case = f"{name}_skip{clip_skip}" + ("_negative" if negative else "")
                with torch.no_grad():
                    pe, npe, pooled, npooled = pipe.encode_prompt(
                        prompt, device="cpu", num_images_per_prompt=1,
                        do_classifier_free_guidance=negative is not None,
                        negative_prompt=negative, clip_skip=clip_skip)
                tensors[case + ".prompt_embeds"] = pe.contiguous()
                tensors[case + ".add_text_embeds"] = pooled.contiguous()
                if negative is not None:
                    tensors[case + ".negative_prompt_embeds"] = npe.contiguous()
                    tensors[case + ".negative_add_text_embeds"] = npooled.contiguous()
                doc.append({"id": case, "prompt": prompt, "negative_prompt": negative,
                            "clip_skip": clip_skip})
    save_file(tensors, os.path.join(out, "clip_skip.safetensors"))
    with open(os.path.join(out, "clip_skip.json"), "w") as f:
        json.dump({"generator": "bench/reference/make_prompt_goldens.py (clip_skip section)",
                   "reference": "diffusers StableDiffusionXLPipeline.encode_prompt(clip_skip=k) "
                                "@ 58eb52c0, tiny-sdxl, CPU float32",
                   "cases": doc}, f, indent=1)


# --------------------------------------------------------------------------------------------
# VAE files and tiling


def reinit_vae(vae, seed):
    """The fixtures' recipe: weights 0.02*randn, norm weights 1 + 0.1*randn, through float16."""
    g = torch.Generator("cpu").manual_seed(seed)
    with torch.no_grad():
        for name, p in vae.named_parameters():
            noise = torch.randn(p.shape, generator=g)
            is_norm_weight = name.endswith("weight") and p.dim() == 1
            value = 1 + 0.1 * noise if is_norm_weight else 0.02 * noise
            p.copy_(value.half().float())


def vae_section(args, out):
    from diffusers import AutoencoderKL
    from third_party import load_module
    vae_dir = os.path.join(out, "vae")
    os.makedirs(vae_dir, exist_ok=True)
    tensors = {}
    g = torch.Generator("cpu").manual_seed(1234)
    z_small = torch.randn((1, 4, 10, 13), generator=g)
    z_default = torch.randn((1, 4, 8, 12), generator=g)
    tensors["z_small"], tensors["z_default"] = z_small, z_default

    def decode_all(vae, prefix):
        with torch.no_grad():
            vae.disable_tiling()
            tensors[prefix + ".untiled.z_small"] = vae.decode(z_small).sample
            tensors[prefix + ".untiled.z_default"] = vae.decode(z_default).sample
            vae.enable_tiling()
            tensors[prefix + ".tiled_default.z_default"] = vae.decode(z_default).sample
            saved = (vae.tile_sample_min_size, vae.tile_latent_min_size, vae.tile_overlap_factor)
            vae.tile_sample_min_size, vae.tile_latent_min_size = 32, 4
            tensors[prefix + ".tiled_32_4.z_small"] = vae.decode(z_small).sample
            vae.tile_overlap_factor = 0.5
            tensors[prefix + ".tiled_32_4_half.z_small"] = vae.decode(z_small).sample
            vae.tile_sample_min_size, vae.tile_latent_min_size, vae.tile_overlap_factor = saved
            vae.disable_tiling()

    tiny = AutoencoderKL.from_pretrained(os.path.join(args.fixtures, "tiny-sdxl", "vae"),
                                         dtype=torch.float32)
    decode_all(tiny, "tiny")

    # A second tiny VAE that declares itself fp16-safe (force_upcast false), as madebyollin's
    # sdxl-vae-fp16-fix does, saved as a diffusers folder (fp16) and an ldm single file (fp32).
    config = dict(tiny.config)
    config["force_upcast"] = False
    vae_b = AutoencoderKL.from_config(config)
    reinit_vae(vae_b, 4242)
    vae_b.eval()
    folder = os.path.join(vae_dir, "tiny-vae-fp16-fix")
    vae_b.save_pretrained(folder, safe_serialization=True)
    sd = {k: v.half().contiguous() for k, v in vae_b.state_dict().items()}
    save_file(sd, os.path.join(folder, "diffusion_pytorch_model.safetensors"),
              metadata={"format": "pt"})
    convert = load_module("convert_sdxl", args.convert_script)
    ldm = convert.convert_vae_state_dict({k: v.float() for k, v in vae_b.state_dict().items()})
    save_file({k: v.contiguous() for k, v in ldm.items()},
              os.path.join(vae_dir, "tiny-vae-fp16-fix.safetensors"), metadata={"format": "pt"})
    reloaded = AutoencoderKL.from_pretrained(folder, dtype=torch.float32)
    decode_all(reloaded, "fp16fix")
    info = {"force_upcast": reloaded.config.force_upcast, "ldm_keys": len(ldm)}
    try:  # informational: diffusers' own single-file loader on the ldm file
        single = AutoencoderKL.from_single_file(
            os.path.join(vae_dir, "tiny-vae-fp16-fix.safetensors"), config=folder)
        with torch.no_grad():
            same = torch.equal(single.decode(z_default).sample,
                               tensors["fp16fix.untiled.z_default"])
        info["from_single_file_equal"] = bool(same)
    except Exception as e:
        info["from_single_file_error"] = repr(e)[:300]
    save_file({k: v.contiguous() for k, v in tensors.items()},
              os.path.join(vae_dir, "vae_decode.safetensors"))

    # Pipeline with the fp16-fix VAE and tiling on: 96x64 gives 8x12 latents, more than the tiny
    # VAE's 8-latent tile, so the default tiling splits it.
    pipe = tiny_pipeline(args.fixtures, vae=reloaded)
    pipe.vae.enable_tiling()
    case_id = "vae_file_tiled_w96_h64_seed21"
    prompt = "a lighthouse on a cliff at night"
    record = run_recorded(pipe, 21, 96, 64, 4, 0.0, prompt=prompt)
    save_file({k: v.contiguous() for k, v in record.items()},
              os.path.join(vae_dir, case_id + ".safetensors"))
    info["pipeline_case"] = {
        "id": case_id, "kind": "pipeline", "category": "vae",
        "inputs": {"prompt": prompt, "negative_prompt": None, "height": 64, "width": 96,
                   "num_inference_steps": 4, "guidance_scale": 0.0, "seed": 21},
        "cli_extra": ["--prompt-syntax", "none", "--vae", "tiny-vae-fp16-fix.safetensors",
                      "--vae-tiling", "on"],
        "model": {"pipeline": "tiny-sdxl",
                  "unet_weights": "tiny-lightning/sdxl_lightning_4step_unet.safetensors"},
        "scheduler": {"timestep_spacing": "trailing", "prediction_type": "epsilon"},
        "files": {"tensors": case_id + ".safetensors"}}
    info["tile_settings"] = {"tiled_default": "config sample_size 64: tile_sample_min_size 64, "
                             "tile_latent_min_size 8, overlap 0.25",
                             "tiled_32_4": "tile_sample_min_size 32, tile_latent_min_size 4, "
                             "overlap 0.25", "tiled_32_4_half": "same, overlap 0.5"}
    with open(os.path.join(vae_dir, "vae_goldens.json"), "w") as f:
        json.dump(info, f, indent=1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--fixtures", required=True)
    parser.add_argument("--a1111-webui", help="stable-diffusion-webui checkout (its modules/)")
    parser.add_argument("--compel-src")
    parser.add_argument("--convert-script")
    parser.add_argument("--out", required=True)
    parser.add_argument("--only", default="compel,a1111,clip_skip,vae")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    import diffusers
    import transformers
    log("torch", torch.__version__, "transformers", transformers.__version__,
        "diffusers", diffusers.__version__)
    errors = []
    sections = {"compel": compel_section, "a1111": a1111_section,
                "clip_skip": clip_skip_section, "vae": vae_section}
    for name in args.only.split(","):
        section(name, lambda: sections[name](args, args.out), errors)
    log("errors:", errors)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
