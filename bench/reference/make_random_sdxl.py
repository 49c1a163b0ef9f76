#!/usr/bin/env python3
"""Builds a full-size SDXL (random weights) as a diffusers folder from the real configs.

Both our engine and the diffusers reference load this same folder, so speed and memory are
compared on identical weights. Tokenizers come from a diffusers folder that has them (the tiny
fixture has the real CLIP vocabulary).

usage: make_random_sdxl.py --configs ../shared/configs/sdxl-base --tokenizers DIR --out DIR
"""
import argparse, json, os, shutil, time

import torch
from safetensors.torch import save_file


def randomize_(module, seed):
    # Scaled like a trained network (unit-variance activations), so half precision behaves as it
    # would with real weights; generated on the module's device because CPU randn of 3.5 B
    # values takes minutes.
    with torch.no_grad():
        for name, p in module.named_parameters():
            g = torch.Generator(device=p.device).manual_seed(seed)
            seed += 1
            noise = torch.randn(p.shape, generator=g, device=p.device)
            if p.dim() == 1 and ("norm" in name) and name.endswith("weight"):
                p.copy_(1 + 0.1 * noise)
            elif p.dim() == 1:
                p.copy_(0.02 * noise)
            else:
                p.copy_(noise / p[0].numel() ** 0.5)


def save_module(module, folder, filename, config_src):
    os.makedirs(folder, exist_ok=True)
    state = {k: v.detach().to(torch.float16).contiguous().cpu() for k, v in module.state_dict().items()}
    save_file(state, os.path.join(folder, filename), metadata={"format": "pt"})
    shutil.copy(config_src, os.path.join(folder, "config.json"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--configs", required=True)
    ap.add_argument("--tokenizers", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    from diffusers import AutoencoderKL, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection

    t0 = time.time()
    torch.set_default_device("cuda" if torch.cuda.is_available() else "cpu")
    unet = UNet2DConditionModel.from_config(UNet2DConditionModel.load_config(f"{a.configs}/unet"))
    randomize_(unet, 1)
    save_module(unet, f"{a.out}/unet", "diffusion_pytorch_model.safetensors", f"{a.configs}/unet/config.json")
    del unet
    vae = AutoencoderKL.from_config(AutoencoderKL.load_config(f"{a.configs}/vae"))
    randomize_(vae, 2)
    save_module(vae, f"{a.out}/vae", "diffusion_pytorch_model.safetensors", f"{a.configs}/vae/config.json")
    del vae
    for i, (sub, cls) in enumerate([("text_encoder", CLIPTextModel),
                                    ("text_encoder_2", CLIPTextModelWithProjection)]):
        model = cls(CLIPTextConfig.from_pretrained(f"{a.configs}/{sub}"))
        randomize_(model, 3 + i)
        # Legacy key names, as the real SDXL repository stores them.
        state = {k if k.startswith(("text_model.", "text_projection")) else "text_model." + k:
                 v.detach().to(torch.float16).contiguous().cpu() for k, v in model.state_dict().items()}
        os.makedirs(f"{a.out}/{sub}", exist_ok=True)
        save_file(state, f"{a.out}/{sub}/model.safetensors", metadata={"format": "pt"})
        shutil.copy(f"{a.configs}/{sub}/config.json", f"{a.out}/{sub}/config.json")
        del model
    for sub in ("tokenizer", "tokenizer_2"):
        shutil.copytree(f"{a.tokenizers}/{sub}", f"{a.out}/{sub}", dirs_exist_ok=True)
    os.makedirs(f"{a.out}/scheduler", exist_ok=True)
    sched = json.load(open(f"{a.configs}/scheduler/scheduler_config.json"))
    sched["timestep_spacing"] = "trailing"  # what SDXL-Lightning needs
    json.dump(sched, open(f"{a.out}/scheduler/scheduler_config.json", "w"), indent=2)
    json.dump({"_class_name": "StableDiffusionXLPipeline", "_diffusers_version": "0.40.0.dev0",
               "force_zeros_for_empty_prompt": True, "add_watermarker": False,
               "scheduler": ["diffusers", "EulerDiscreteScheduler"],
               "text_encoder": ["transformers", "CLIPTextModel"],
               "text_encoder_2": ["transformers", "CLIPTextModelWithProjection"],
               "tokenizer": ["transformers", "CLIPTokenizer"],
               "tokenizer_2": ["transformers", "CLIPTokenizer"],
               "unet": ["diffusers", "UNet2DConditionModel"],
               "vae": ["diffusers", "AutoencoderKL"]},
              open(f"{a.out}/model_index.json", "w"), indent=2)
    print(f"random SDXL written to {a.out} in {time.time() - t0:.1f} s")


if __name__ == "__main__":
    main()
