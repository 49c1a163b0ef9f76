#!/usr/bin/env python3
"""Times diffusers' StableDiffusionXLPipeline as SDXL-Lightning runs it (fp16, SDPA, Euler
trailing, guidance 0, batch 1) on a diffusers folder, eager and with torch.compile on the UNet
and the VAE decoder. Medians over --runs after warm-up, CUDA events. Writes JSON.

--mode img2img / inpaint / hires time the refine paths instead (issue 19), end to end at 4 steps
with the same components: StableDiffusionXLImg2ImgPipeline (--init-image, --strength),
StableDiffusionXLInpaintPipeline (--mask too), and the hires fix as A1111 shapes it and diffusers
has no pipeline for: text to image at --size, the image resized with Lanczos by --hires-scale,
then img2img at --hires-strength.

diffusers is not installed on the GPU machine: put its public source on PYTHONPATH.
"""
import argparse, json, statistics, time

import torch


def cuda_ms(fn):
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    out = fn()
    end.record()
    torch.cuda.synchronize()
    return start.elapsed_time(end), out


def stage_times(pipe, runs, size, prompt):
    """Per-stage medians, each stage timed on its own with CUDA events."""
    unet, vae = pipe.unet, pipe.vae
    r = {}
    enc = []
    for _ in range(runs):
        ms, out = cuda_ms(lambda: pipe.encode_prompt(prompt, device="cuda", do_classifier_free_guidance=False))
        enc.append(ms)
    r["prompt_encoding_ms"] = statistics.median(enc)
    pe, _, pooled, _ = out
    h = size // 8
    lat = torch.randn(1, 4, h, h, device="cuda", dtype=torch.float16)
    tids = torch.tensor([[size, size, 0, 0, size, size]], device="cuda", dtype=torch.float16)
    cond = {"text_embeds": pooled, "time_ids": tids}
    t = torch.tensor(999.0, device="cuda")
    with torch.no_grad():
        for _ in range(3):
            unet(lat, t, encoder_hidden_states=pe, added_cond_kwargs=cond)
        r["unet_step_ms"] = statistics.median(
            cuda_ms(lambda: unet(lat, t, encoder_hidden_states=pe, added_cond_kwargs=cond))[0] for _ in range(runs))
        # The pipeline decodes in fp32 when the VAE config sets force_upcast (SDXL's does).
        upcast = vae.dtype == torch.float16 and vae.config.force_upcast
        if upcast:
            vae.to(torch.float32)
        z = lat.to(vae.dtype) / vae.config.scaling_factor
        for _ in range(2):
            vae.decode(z)
        r["vae_decode_ms"] = statistics.median(cuda_ms(lambda: vae.decode(z))[0] for _ in range(runs))
        r["vae_decode_dtype"] = str(vae.dtype)
        if upcast:
            vae.to(torch.float16)
    return r


def end_to_end(pipe, steps, runs, size, prompt, preview=False):
    def preview_cb(p, i, t, kw):
        # A full VAE decode of the current latents, as a preview at every step would need.
        with torch.no_grad():
            lat = kw["latents"]
            p.vae.decode(lat.to(p.vae.dtype) / p.vae.config.scaling_factor)
        return kw

    def run():
        return pipe(prompt, num_inference_steps=steps, guidance_scale=0.0, height=size, width=size,
                    generator=torch.Generator("cpu").manual_seed(0), output_type="pil",
                    callback_on_step_end=preview_cb if preview else None,
                    callback_on_step_end_tensor_inputs=["latents"])
    for _ in range(2):
        run()
    times = []
    for _ in range(runs):
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        run()
        torch.cuda.synchronize()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def refine_end_to_end(a, pipe, prompt):
    """Median end-to-end ms (and peak GiB) of one refine mode at 4 steps."""
    from diffusers import StableDiffusionXLImg2ImgPipeline, StableDiffusionXLInpaintPipeline
    from PIL import Image
    gen = lambda: torch.Generator("cpu").manual_seed(0)
    if a.mode == "img2img":
        img2img = StableDiffusionXLImg2ImgPipeline.from_pipe(pipe)
        image = Image.open(a.init_image).convert("RGB")
        run = lambda: img2img(prompt, image=image, strength=a.strength, num_inference_steps=4,
                              guidance_scale=0.0, generator=gen(), output_type="pil")
    elif a.mode == "inpaint":
        inpaint = StableDiffusionXLInpaintPipeline.from_pipe(pipe)
        image = Image.open(a.init_image).convert("RGB")
        mask = Image.open(a.mask).convert("L")
        run = lambda: inpaint(prompt, image=image, mask_image=mask, strength=a.strength,
                              num_inference_steps=4, guidance_scale=0.0, height=image.height,
                              width=image.width, generator=gen(), output_type="pil")
    else:  # hires
        img2img = StableDiffusionXLImg2ImgPipeline.from_pipe(pipe)
        big = int(a.size * a.hires_scale) // 8 * 8

        def run():
            first = pipe(prompt, num_inference_steps=4, guidance_scale=0.0, height=a.size,
                         width=a.size, generator=gen(), output_type="pil").images[0]
            upscaled = first.resize((big, big), Image.LANCZOS)
            return img2img(prompt, image=upscaled, strength=a.hires_strength,
                           num_inference_steps=4, guidance_scale=0.0, generator=gen(),
                           output_type="pil")
    for _ in range(2):
        run()
    torch.cuda.reset_peak_memory_stats()
    times = []
    for _ in range(a.runs):
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        run()
        torch.cuda.synchronize()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), torch.cuda.max_memory_allocated() / 2**30


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--size", type=int, default=1024)
    ap.add_argument("--steps", default="1,2,4,8")
    ap.add_argument("--compile", action="store_true")
    ap.add_argument("--json", required=True)
    ap.add_argument("--mode", default="txt2img", choices=["txt2img", "img2img", "inpaint", "hires"])
    ap.add_argument("--init-image")
    ap.add_argument("--mask")
    ap.add_argument("--strength", type=float, default=0.5)
    ap.add_argument("--hires-scale", type=float, default=2.0)
    ap.add_argument("--hires-strength", type=float, default=0.5)
    a = ap.parse_args()
    from diffusers import EulerDiscreteScheduler, StableDiffusionXLPipeline

    torch.backends.cuda.matmul.allow_tf32 = True
    prompt = "A girl smiling, photograph, golden hour"
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    pipe = StableDiffusionXLPipeline.from_pretrained(a.model, torch_dtype=torch.float16, add_watermarker=False)
    pipe = pipe.to("cuda")
    torch.cuda.synchronize()
    load_s = time.perf_counter() - t0
    pipe.scheduler = EulerDiscreteScheduler.from_config(pipe.scheduler.config, timestep_spacing="trailing")
    pipe.set_progress_bar_config(disable=True)
    result = {"mode": "compiled" if a.compile else "eager", "load_s": load_s,
              "torch": torch.__version__, "device": torch.cuda.get_device_name()}
    if a.compile:
        t0 = time.perf_counter()
        pipe.unet = torch.compile(pipe.unet)
        pipe.vae.decode = torch.compile(pipe.vae.decode)
        end_to_end(pipe, 4, 1, a.size, prompt)
        result["compile_warmup_s"] = time.perf_counter() - t0
    if a.mode != "txt2img":
        result["refine_mode"] = a.mode
        result["end_to_end_4step_ms"], result["peak_memory_gb"] = refine_end_to_end(a, pipe, prompt)
        print(json.dumps(result, indent=2))
        json.dump(result, open(a.json, "w"), indent=2)
        return
    torch.cuda.reset_peak_memory_stats()
    result.update(stage_times(pipe, a.runs, a.size, prompt))
    result["end_to_end_ms"] = {s: end_to_end(pipe, int(s), a.runs, a.size, prompt) for s in a.steps.split(",")}
    result["end_to_end_4step_full_preview_ms"] = end_to_end(pipe, 4, a.runs, a.size, prompt, preview=True)
    result["peak_memory_gb"] = torch.cuda.max_memory_allocated() / 2**30
    print(json.dumps(result, indent=2))
    json.dump(result, open(a.json, "w"), indent=2)


if __name__ == "__main__":
    main()
