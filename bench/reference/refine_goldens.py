"""Goldens for img2img, inpainting and outpainting (issue #19), made by running diffusers' own
StableDiffusionXLImg2ImgPipeline / StableDiffusionXLInpaintPipeline and VaeImageProcessor on the
tiny fixture models (CPU, float32, 16 threads, deterministic algorithms, watermark off).

    python3 refine_goldens.py --fixtures DIR --out OUT_DIR [--compare EARLIER_OUT_DIR]

Needs torch, transformers, safetensors, numpy, pillow and diffusers (src/ of commit 58eb52c0 on
PYTHONPATH). DIR is the fixtures root (tiny-sdxl/, tiny-lightning/). OUT_DIR receives what
tests/data/refine/ holds (tests/data/refine/README.md describes every file and tensor). With
--compare, the files are compared byte for byte with an earlier run's and the result goes into
the manifest's `determinism`.

The values are recorded with wrappers and hooks around the pipeline's own methods; the pipeline
code itself is not modified. Every randn drawn from the case's generator is logged where it is
drawn (diffusers' randn_tensor in the VAE, the pipeline and the scheduler modules) and the log is
checked by replaying it on a fresh generator (same values, same final generator state).

On the GPU machine (its CPU; the run tool carries the git-ignored .gpu-refine/ folder holding
this script, make_prompt_goldens.py, the fixtures' fixtures.tar.xz and diffusers' src at the
commit as diffusers.tar.xz, made with
`git --git-dir=DIFFUSERS.git archive 58eb52c0803ea9af3abec60841c2a093bdf1f951 src | xz`):

    F=/tmp/fx; mkdir -p $F /tmp/diffusers
    tar -xJf .gpu-refine/fixtures.tar.xz -C $F; tar -xJf .gpu-refine/diffusers.tar.xz -C /tmp/diffusers
    export PYTHONPATH=/tmp/diffusers/src HF_HUB_OFFLINE=1 PYTHONUNBUFFERED=1
    python3 .gpu-refine/refine_goldens.py --fixtures $F/fixtures --out /tmp/a
    python3 .gpu-refine/refine_goldens.py --fixtures $F/fixtures --out /tmp/b --compare /tmp/a
    tar -cJf $OUT/refine.tar.xz -C /tmp/b .
"""
import argparse
import functools
import json
import os
import platform
import sys
import traceback

import numpy as np
import torch
from PIL import Image, ImageDraw
from safetensors.torch import load_file, save_file

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

torch.use_deterministic_algorithms(True)
torch.set_num_threads(16)

W, H = 96, 64  # width x height of every pipeline case: latents 1x4x8x12
SCALING = 0.13025
COMMIT = "58eb52c0803ea9af3abec60841c2a093bdf1f951"
GENERATOR = "torch.Generator('cpu').manual_seed(seed)"
PROMPTS = [
    "a red fox resting in fresh snow under pine trees, soft morning light",
    "an old stone lighthouse on a rocky coast at sunset, dramatic clouds",
    "a bowl of ripe oranges on a wooden kitchen table, studio lighting",
    "a quiet canal in a small town with boats and flower boxes",
    "a snowy mountain cabin with warm lights in the windows at dusk",
]
NEGATIVE = "blurry, low quality, watermark"
UNETS = {1: "sdxl_lightning_1step_unet_x0.safetensors", 2: "sdxl_lightning_2step_unet.safetensors",
         4: "sdxl_lightning_4step_unet.safetensors", 8: "sdxl_lightning_8step_unet.safetensors"}
UNET9_FILE = "unet_inpaint9_tiny.safetensors"
UNET9_SEED = 9009
OUTPAINT = (0, 16, 32, 0)  # left, top, right, bottom


def log(*args):
    print(*args, flush=True)


# --------------------------------------------------------------------------------------------
# Inputs (made from fixed seeds, written as PNG, then read back: the pipelines see the files)


def blob_image(width, height, seed):
    """Smooth colour blobs on a gradient, 8-bit RGB: structure the VAE and a resize can show."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float64)
    img = np.empty((height, width, 3))
    img[:] = rng.uniform(0.25, 0.75, 3)
    img += (xx / width - 0.5)[..., None] * rng.uniform(-0.5, 0.5, 3)
    img += (yy / height - 0.5)[..., None] * rng.uniform(-0.5, 0.5, 3)
    for _ in range(7):
        cx, cy = rng.uniform(0, width), rng.uniform(0, height)
        s = rng.uniform(0.08, 0.3) * max(width, height)
        colour = rng.uniform(-0.7, 0.7, 3)
        img += colour * np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * s * s))[..., None]
    return Image.fromarray(np.round(np.clip(img, 0, 1) * 255).astype(np.uint8))


def inpaint_mask():
    """White = repaint: a rotated quadrilateral and an ellipse (no axis-aligned edges only)."""
    mask = Image.new("L", (W, H), 0)
    draw = ImageDraw.Draw(mask)
    draw.polygon([(14, 12), (50, 4), (58, 36), (22, 46)], fill=255)
    draw.ellipse((60, 26, 88, 58), fill=255)
    return mask


def outpaint_inputs(src):
    """The outpaint fill rule: the canvas grows by OUTPAINT; new pixels repeat the nearest edge
    pixel of the source (np.pad mode='edge'); the mask is white exactly on the new area."""
    left, top, right, bottom = OUTPAINT
    arr = np.asarray(src)
    padded = np.pad(arr, ((top, bottom), (left, right), (0, 0)), mode="edge")
    mask = np.full(padded.shape[:2], 255, np.uint8)
    mask[top:top + arr.shape[0], left:left + arr.shape[1]] = 0
    return Image.fromarray(padded), Image.fromarray(mask)


def write_inputs(out):
    files = {
        "init_96x64.png": blob_image(96, 64, 1901),
        "init_80x56.png": blob_image(80, 56, 1902),
        "init_120x72.png": blob_image(120, 72, 1903),
        "outpaint_src_64x48.png": blob_image(64, 48, 1904),
        "mask_96x64.png": inpaint_mask(),
    }
    files["outpaint_padded_96x64.png"], files["outpaint_mask_96x64.png"] = outpaint_inputs(
        files["outpaint_src_64x48.png"])
    for name, image in files.items():
        image.save(os.path.join(out, name))
    return {name: Image.open(os.path.join(out, name)) for name in files}


# --------------------------------------------------------------------------------------------
# Models


def load_unet(fixtures, weights, in_channels=None):
    from diffusers import UNet2DConditionModel
    config = dict(UNet2DConditionModel.load_config(os.path.join(fixtures, "tiny-sdxl", "unet")))
    if in_channels is not None:
        config["in_channels"] = in_channels
    unet = UNet2DConditionModel.from_config(config)
    unet.load_state_dict(load_file(weights))  # strict: every key present, none extra
    return unet


def make_unet9(fixtures, out):
    """tiny-sdxl/unet/config.json with in_channels 9, the fixtures' weight recipe, fp16 file."""
    from diffusers import UNet2DConditionModel
    from make_prompt_goldens import reinit_vae  # the fixtures' recipe, for any module
    config = dict(UNet2DConditionModel.load_config(os.path.join(fixtures, "tiny-sdxl", "unet")))
    config["in_channels"] = 9
    unet = UNet2DConditionModel.from_config(config)
    reinit_vae(unet, UNET9_SEED)
    state = {k: v.detach().half().contiguous() for k, v in unet.state_dict().items()}
    assert all(v.abs().max() > 0 for v in state.values())
    save_file(state, os.path.join(out, UNET9_FILE), metadata={"format": "pt"})
    return {"file": UNET9_FILE, "config": "tiny-sdxl/unet/config.json with in_channels 9",
            "conv_in.weight": list(state["conv_in.weight"].shape), "tensors": len(state),
            "parameters": int(sum(v.numel() for v in state.values())),
            "weights": "torch.Generator('cpu').manual_seed(%d); per parameter in named_parameters "
                       "order: 1-dim '*weight' (GroupNorm/LayerNorm) = 1 + 0.1*randn, every other "
                       "tensor (weights, biases, embeddings) = 0.02*randn; rounded through float16; "
                       "saved float16 with diffusers key names and metadata {'format': 'pt'} "
                       "(make_prompt_goldens.reinit_vae)" % UNET9_SEED}


def make_pipe(cls, fixtures, unet, prediction_type):
    from diffusers import EulerDiscreteScheduler
    pipe = cls.from_pretrained(os.path.join(fixtures, "tiny-sdxl"), unet=unet, dtype=torch.float32,
                               add_watermarker=False)
    pipe.scheduler = EulerDiscreteScheduler.from_config(
        pipe.scheduler.config, timestep_spacing="trailing", prediction_type=prediction_type)
    pipe.set_progress_bar_config(disable=True)
    return pipe


# --------------------------------------------------------------------------------------------
# Recording


def randn_modules():
    """Every module whose randn_tensor can draw from the generator in these pipelines, by site."""
    import diffusers.models.autoencoders.vae as vae_module
    import diffusers.pipelines.stable_diffusion_xl.pipeline_stable_diffusion_xl_img2img as i2i
    import diffusers.pipelines.stable_diffusion_xl.pipeline_stable_diffusion_xl_inpaint as inp
    import diffusers.schedulers.scheduling_euler_discrete as euler
    return [(vae_module, "vae_posterior"), (i2i, "noise"), (inp, "noise"), (euler, "euler_churn")]


class Recorder:
    """Wraps the pipeline's methods (and diffusers' randn_tensor) for one call."""

    def __init__(self, pipe):
        self.pipe = pipe
        self.undo = []
        self.randn = []          # (site, encode index or None, tensor)
        self.encode_inputs = []
        self.te_ids = {1: [], 2: []}
        self.unet_calls = []
        self.step_calls = []
        self.add_noise_calls = []
        self.step_latents = {}
        self.preprocessed = []
        self.mask_preprocessed = []
        self.prepare_latents_out = None
        self.mask_latents_in = None
        self.mask_latents_out = None
        self.kept = None
        self.decode = None

    def __enter__(self):
        pipe, rec = self.pipe, self
        for module, site in randn_modules():
            original = module.randn_tensor

            def randn(*args, _original=original, _site=site, **kwargs):
                out = _original(*args, **kwargs)
                encode = len(rec.encode_inputs) - 1 if _site == "vae_posterior" else None
                rec.randn.append((_site, encode, out.detach().clone()))
                return out

            module.randn_tensor = randn
            self.undo.append(lambda m=module, o=original: setattr(m, "randn_tensor", o))

        def patch(owner, name, make):
            original = getattr(owner, name)
            setattr(owner, name, functools.wraps(original)(make(original)))
            self.undo.append(lambda: owner.__dict__.pop(name, None))

        def encode(original):
            def f(x, *a, **k):
                rec.encode_inputs.append(x.detach().clone())
                return original(x, *a, **k)
            return f

        def decode(original):
            def f(z, *a, **k):
                out = original(z, *a, **k)
                sample = out[0] if isinstance(out, tuple) else out.sample
                rec.decode = (z.detach().clone(), sample.detach().clone())
                return out
            return f

        def preprocess(store):
            def make(original):
                def f(*a, **k):
                    out = original(*a, **k)
                    store.append(out.detach().clone())
                    return out
                return f
            return make

        def prepare_latents(original):
            def f(*a, **k):
                out = original(*a, **k)
                rec.prepare_latents_out = [x.detach().clone() for x in out] \
                    if isinstance(out, tuple) else [out.detach().clone()]
                return out
            return f

        def prepare_mask_latents(original):
            def f(mask, masked_image, *a, **k):
                rec.mask_latents_in = (mask.detach().clone(), None if masked_image is None
                                       else masked_image.detach().clone())
                out = original(mask, masked_image, *a, **k)
                rec.mask_latents_out = tuple(None if x is None else x.detach().clone()
                                             for x in out)
                return out
            return f

        def get_timesteps(original):
            def f(*a, **k):
                out = original(*a, **k)
                rec.kept = (out[0].detach().clone(), int(out[1]))
                return out
            return f

        sched = pipe.scheduler

        def add_noise(original):
            def f(original_samples, noise, timesteps):
                if sched.begin_index is None:
                    index = "index_for_timestep"
                elif sched.step_index is not None:
                    index = int(sched.step_index)
                else:
                    index = int(sched.begin_index)
                out = original(original_samples, noise, timesteps)
                rec.add_noise_calls.append({
                    "after_steps": len(rec.step_calls), "timesteps_arg": timesteps.tolist(),
                    "sigma_index": index, "original": original_samples.detach().clone(),
                    "noise": noise.detach().clone(), "out": out.detach().clone()})
                return out
            return f

        def step(original):
            def f(model_output, timestep, sample, *a, **k):
                out = original(model_output, timestep, sample, *a, **k)
                prev, pred = (out[0], out[1]) if isinstance(out, tuple) else \
                    (out.prev_sample, out.pred_original_sample)
                rec.step_calls.append({"model_output": model_output.detach().clone(),
                                       "prev": prev.detach().clone(),
                                       "pred": pred.detach().clone(),
                                       "kwargs": sorted(k)})
                return out
            return f

        patch(pipe.vae, "encode", encode)
        patch(pipe.vae, "decode", decode)
        patch(pipe.image_processor, "preprocess", preprocess(self.preprocessed))
        if hasattr(pipe, "mask_processor"):
            patch(pipe.mask_processor, "preprocess", preprocess(self.mask_preprocessed))
            patch(pipe, "prepare_mask_latents", prepare_mask_latents)
        patch(pipe, "prepare_latents", prepare_latents)
        patch(pipe, "get_timesteps", get_timesteps)
        patch(sched, "add_noise", add_noise)
        patch(sched, "step", step)

        def unet_hook(module, args, kwargs, output):
            sample = args[0] if args else kwargs["sample"]
            t = args[1] if len(args) > 1 else kwargs["timestep"]
            cond = kwargs["added_cond_kwargs"]
            out = output[0] if isinstance(output, tuple) else output.sample
            rec.unet_calls.append({
                "sample": sample.detach().clone(), "t": torch.as_tensor(t).detach().clone(),
                "ehs": kwargs["encoder_hidden_states"].detach().clone(),
                "text_embeds": cond["text_embeds"].detach().clone(),
                "time_ids": cond["time_ids"].detach().clone(), "out": out.detach().clone()})

        def te_hook(index):
            def hook(module, args, kwargs):
                rec.te_ids[index].append((args[0] if args else kwargs["input_ids"]).clone())
            return hook

        handles = [pipe.unet.register_forward_hook(unet_hook, with_kwargs=True),
                   pipe.text_encoder.register_forward_pre_hook(te_hook(1), with_kwargs=True),
                   pipe.text_encoder_2.register_forward_pre_hook(te_hook(2), with_kwargs=True)]
        self.undo.extend(h.remove for h in handles)
        return self

    def __exit__(self, *exc):
        for undo in reversed(self.undo):
            undo()
        return False

    def on_step(self, pipe, i, t, kwargs):
        self.step_latents[i] = kwargs["latents"].detach().clone()
        return kwargs


# --------------------------------------------------------------------------------------------
# One pipeline case


def rng_order(rec, init_image, masked_image):
    order = []
    for site, encode, value in rec.randn:
        label = site
        if site == "vae_posterior":
            x = rec.encode_inputs[encode]
            what = ("image" if init_image is not None and torch.equal(x, init_image) else
                    "masked_image" if masked_image is not None and torch.equal(x, masked_image)
                    else "other")
            label = f"vae_posterior({what})"
        order.append({"site": label, "shape": list(value.shape)})
    return order


def replay_rng(rec, seed, generator):
    """The logged draws are all the draws: the same shapes from a fresh generator give the same
    values and leave it in the same state. Returns what differs."""
    g = torch.Generator("cpu").manual_seed(seed)
    wrong = []
    for site, _, value in rec.randn:
        again = torch.randn(value.shape, generator=g, dtype=value.dtype)
        if not torch.equal(again, value):
            wrong.append(f"replayed draw {site} differs")
    if not torch.equal(g.get_state(), generator.get_state()):
        wrong.append("a randn was drawn unlogged")
    return wrong


def run_case(case, pipe, out):
    """Runs one case through the pipeline, asserts the identities the recording must obey and
    writes <id>.safetensors and <id>.png. Returns the manifest entry."""
    checks, failed = [], []

    def expect(ok, what):  # a failed identity is reported after the files are written
        if not ok:
            failed.append(what)

    seed = case["seed"]
    generator = torch.Generator("cpu").manual_seed(seed)
    kwargs = dict(prompt=case["prompt"], negative_prompt=case.get("negative_prompt"),
                  image=case["image_pil"], strength=case["strength"],
                  num_inference_steps=case["steps"], guidance_scale=case.get("guidance", 0.0),
                  generator=generator, output_type="pil")
    inpaint = case["mask_pil"] is not None
    if inpaint:
        kwargs.update(mask_image=case["mask_pil"], height=H, width=W)
    with Recorder(pipe) as rec:
        result = pipe(callback_on_step_end=rec.on_step, **kwargs).images[0]
    sched = pipe.scheduler
    t = {}
    # text conditioning
    assert len(rec.te_ids[1]) == len(rec.te_ids[2]) and len(rec.te_ids[1]) in (1, 2)
    t["input_ids"], t["input_ids_2"] = rec.te_ids[1][0], rec.te_ids[2][0]
    if len(rec.te_ids[1]) == 2:
        t["negative_input_ids"], t["negative_input_ids_2"] = rec.te_ids[1][1], rec.te_ids[2][1]
    first = rec.unet_calls[0]
    t["prompt_embeds"], t["add_text_embeds"] = first["ehs"], first["text_embeds"]
    t["add_time_ids"] = first["time_ids"]
    # schedule
    kept, steps_run = rec.kept
    t["timesteps"] = sched.timesteps.to(torch.float32).clone()
    t["sigmas"] = sched.sigmas.to(torch.float32).clone()
    t["init_noise_sigma"] = torch.tensor([float(sched.init_noise_sigma)], dtype=torch.float32)
    t["timesteps_kept"] = kept.to(torch.float32)
    assert steps_run == int(case["steps"] * case["strength"]) == len(kept)
    assert len(rec.unet_calls) == len(rec.step_calls) == steps_run == len(rec.step_latents)
    t_start = case["steps"] - steps_run
    expect(torch.equal(kept, sched.timesteps[t_start:]), "timesteps_kept == timesteps[t_start:]")
    # input image and its latents
    init_image = rec.preprocessed[0]
    t["init_image"] = init_image
    noise_draws = [v for s, _, v in rec.randn if s == "noise"]
    assert len(noise_draws) == 1, "one noise draw expected"
    t["noise"] = noise_draws[0]
    masked_image = rec.mask_latents_in[1] if inpaint else None
    for site, encode, value in rec.randn:
        if site == "vae_posterior":
            x = rec.encode_inputs[encode]
            if torch.equal(x, init_image):
                t["image_posterior_noise"] = value
            elif masked_image is not None and torch.equal(x, masked_image):
                t["masked_image_posterior_noise"] = value
    pre_loop_add_noise = [c for c in rec.add_noise_calls if c["after_steps"] == 0]
    nine = pipe.unet.config.in_channels == 9
    if not inpaint:
        assert len(pre_loop_add_noise) == 1 and len(rec.encode_inputs) == 1
        expect(torch.equal(rec.encode_inputs[0], init_image), "the VAE encodes init_image")
        call = pre_loop_add_noise[0]
        t["image_latents"] = call["original"]
        expect(torch.equal(call["noise"], t["noise"]), "add_noise uses the drawn noise")
        t["latents_init"] = rec.prepare_latents_out[0]
        expect(torch.equal(t["latents_init"], call["out"]), "latents_init is add_noise's output")
        expect(torch.equal(t["latents_init"],
                           t["image_latents"] + t["noise"] * sched.sigmas[t_start]),
               "latents_init identity")
        checks.append("latents_init == image_latents + noise * sigmas[steps - steps_run] (exact)")
    else:
        out_latents = rec.prepare_latents_out
        t["latents_init"] = out_latents[0]
        expect(torch.equal(out_latents[1], t["noise"]), "prepare_latents returns the drawn noise")
        if len(out_latents) == 3:
            t["image_latents"] = out_latents[2]
        elif pre_loop_add_noise:
            t["image_latents"] = pre_loop_add_noise[0]["original"]
        if case["strength"] == 1.0:
            assert not pre_loop_add_noise
            expect(torch.equal(t["latents_init"], t["noise"] * sched.init_noise_sigma),
                   "pure-noise start")
            checks.append("latents_init == noise * init_noise_sigma (exact): strength 1.0 starts "
                          "from pure noise")
        else:
            expect(torch.equal(t["latents_init"],
                               t["image_latents"] + t["noise"] * sched.sigmas[t_start]),
                   "latents_init identity")
            checks.append("latents_init == image_latents + noise * sigmas[steps - steps_run] (exact)")
        t["mask_image"] = rec.mask_preprocessed[0]
        expect(torch.equal(rec.mask_latents_in[0], t["mask_image"]),
               "prepare_mask_latents gets mask_image")
        expect(torch.equal(masked_image, init_image * (t["mask_image"] < 0.5)),
               "masked image identity")
        checks.append("masked image == init_image * (mask_image < 0.5) (exact)")
        mask, masked_latents = rec.mask_latents_out
        t["mask"] = mask[:1]
        t["masked_image_latents"] = masked_latents[:1]
        expect(torch.equal(t["mask"], torch.nn.functional.interpolate(
                t["mask_image"], size=(H // 8, W // 8))), "latent mask identity")
        checks.append("mask == F.interpolate(mask_image, size=(H/8, W/8)) (mode 'nearest', exact)")
    # the steps
    for i in range(steps_run):
        u, s = rec.unet_calls[i], rec.step_calls[i]
        t[f"step{i}.timestep"] = u["t"].reshape(1).to(torch.float32)
        expect(torch.equal(u["t"].reshape(1), kept[i:i + 1]), "UNet timestep of step i")
        t[f"step{i}.unet_input"] = u["sample"]
        t[f"step{i}.unet_output"] = u["out"]
        t[f"step{i}.model_output"] = s["model_output"]
        t[f"step{i}.pred_x0"] = s["pred"]
        t[f"step{i}.latents"] = rec.step_latents[i]
        if nine:
            expect(torch.equal(u["sample"][:, 4:5], mask) and
                   torch.equal(u["sample"][:, 5:], masked_latents), "9-channel unet_input layout")
        if inpaint and not nine:
            t[f"step{i}.prev_sample"] = s["prev"]
            blend = [c for c in rec.add_noise_calls if c["after_steps"] == i + 1]
            if i < steps_run - 1:
                assert len(blend) == 1 and blend[0]["sigma_index"] == t_start + i + 1
                expect(torch.equal(blend[0]["noise"], t["noise"]),
                       "blend re-noises with the drawn noise")
                expect(torch.equal(blend[0]["original"], t["image_latents"]),
                       "blend re-noises image_latents")
                known = blend[0]["out"]
            else:
                assert not blend
                known = t["image_latents"]
            t[f"step{i}.noised_image_latents"] = known
            blended = (1 - t["mask"]) * known + t["mask"] * s["prev"]
            expect(torch.equal(rec.step_latents[i], blended),
                   "blend identity")
        else:
            expect(torch.equal(rec.step_latents[i], s["prev"]), "step latents are prev_sample")
    if inpaint and not nine:
        checks.append("step{i}.latents == (1 - mask) * noised_image_latents + mask * prev_sample "
                      "(exact); noised_image_latents = image_latents + noise * sigmas[step_index] "
                      "after step i, image_latents at the last step")
    t["final_latents"] = t[f"step{steps_run - 1}.latents"]
    vae_input, decoded = rec.decode
    t["vae_input"] = vae_input
    expect(torch.equal(vae_input, t["final_latents"] / SCALING), "vae_input identity")
    checks.append("vae_input == final_latents / 0.13025 (exact)")
    t["image"] = (decoded * 0.5 + 0.5).clamp(0, 1)
    pixels = np.array(result)
    t["image_uint8"] = torch.from_numpy(pixels).unsqueeze(0).contiguous()
    again = (t["image"].permute(0, 2, 3, 1).numpy() * 255).round().astype("uint8")
    expect(np.array_equal(again[0], pixels), "recorded image differs from the returned one")
    checks.append("image_uint8 == round_half_even(image * 255) == the pipeline's returned PIL image")
    failed += replay_rng(rec, seed, generator)
    checks.append("rng_order replayed on a fresh generator: same values, same final state")

    # Aliased entries (final_latents is the last step's latents) must be saved as copies.
    tensors = {k: v.contiguous().clone() for k, v in t.items()}
    save_file(tensors, os.path.join(out, case["id"] + ".safetensors"))
    result.save(os.path.join(out, case["id"] + ".png"))
    expect(np.array_equal(np.array(Image.open(os.path.join(out, case["id"] + ".png"))), pixels),
           "the PNG read back differs from the returned image")
    entry = {
        "id": case["id"], "kind": "pipeline", "category": case["category"],
        "description": case["description"], "pipeline_class": type(pipe).__name__,
        "inputs": {"prompt": case["prompt"], "negative_prompt": case.get("negative_prompt"),
                   "height": H, "width": W, "num_inference_steps": case["steps"],
                   "guidance_scale": case.get("guidance", 0.0), "seed": seed,
                   "generator": GENERATOR, "num_images_per_prompt": 1, "output_type": "pil",
                   "strength": case["strength"], **case["inputs_extra"]},
        "cli_extra": case["cli_extra"],
        "model": case["model"],
        "scheduler": {"class": "EulerDiscreteScheduler", "from_config": "tiny-sdxl/scheduler",
                      "timestep_spacing": "trailing",
                      "prediction_type": sched.config.prediction_type},
        "files": {"tensors": case["id"] + ".safetensors", "png": case["id"] + ".png"},
        "steps_run": steps_run,
        "timesteps_kept": [float(x) for x in kept],
        "rng_order": rng_order(rec, init_image, masked_image),
        "add_noise_calls": [{"after_steps": c["after_steps"], "timesteps_arg": c["timesteps_arg"],
                             "sigma_index": c["sigma_index"],
                             "sigma": float(sched.sigmas[c["sigma_index"]])
                             if isinstance(c["sigma_index"], int) else None}
                            for c in rec.add_noise_calls],
        "vae_encode_calls": len(rec.encode_inputs),
        "scheduler_step_kwargs": rec.step_calls[0]["kwargs"],
        "checks": checks,
        "check_failures": failed,
        "tensors": {k: {"dtype": str(v.dtype).replace("torch.", ""), "shape": list(v.shape)}
                    for k, v in sorted(tensors.items())},
    }
    log(f"  {case['id']}: {steps_run} steps, rng {[r['site'] for r in entry['rng_order']]}"
        + (f", CHECKS FAILED: {failed}" if failed else ""))
    return entry


# --------------------------------------------------------------------------------------------
# Case list


def cases(images):
    init, mask = images["init_96x64.png"], images["mask_96x64.png"]
    lightning = lambda n: {"pipeline": "tiny-sdxl", "unet_weights": "tiny-lightning/" + UNETS[n],
                           "how": "UNet2DConditionModel.from_config(tiny-sdxl/unet config) + "
                                  "load_state_dict(file); <pipeline_class>.from_pretrained("
                                  "tiny-sdxl, unet=unet, dtype=torch.float32, "
                                  "add_watermarker=False)"}
    unet9 = {"pipeline": "tiny-sdxl", "unet_file": UNET9_FILE,
             "how": "UNet2DConditionModel.from_config(tiny-sdxl/unet config with in_channels 9) + "
                    "load_state_dict(unet_inpaint9_tiny.safetensors, in this folder); "
                    "StableDiffusionXLInpaintPipeline.from_pretrained(tiny-sdxl, unet=unet, "
                    "dtype=torch.float32, add_watermarker=False)"}
    syntax = ["--prompt-syntax", "none"]

    def c(id, category, description, unet, steps, strength, seed, prompt, image_file, image,
          mask_file=None, mask=None, cli=(), inputs=None, **more):
        extra = list(syntax) + ["--init-image", image_file, "--strength", repr(strength)]
        if mask_file:
            extra += ["--mask", mask_file]
        d = {"id": id, "category": category, "description": description, "unet": unet,
             "steps": steps, "strength": strength, "seed": seed, "prompt": PROMPTS[prompt],
             "image_pil": image, "mask_pil": mask, "cli_extra": extra + list(cli),
             "inputs_extra": {"image": image_file, **({"mask_image": mask_file} if mask_file
                                                      else {}), **(inputs or {})},
             "model": unet9 if unet == 9 else lightning(unet)}
        d.update(more)
        return d

    crop = images["init_120x72.png"]
    pad = images["init_80x56.png"]
    out = [
        c("img2img_4step_s050_w96_h64_seed42", "img2img", "strength 0.5: the last 2 of 4 "
          "timesteps, noise added at the first kept one", 4, 4, 0.5, 42, 0,
          "init_96x64.png", init),
        c("img2img_8step_s030_w96_h64_seed7", "img2img", "strength 0.3 with 8 steps: "
          "int(8*0.3) = 2 steps run", 8, 8, 0.3, 7, 1, "init_96x64.png", init),
        c("img2img_4step_s100_w96_h64_seed11", "img2img", "strength 1.0: all 4 steps; img2img "
          "still adds the noise to the image latents (no pure-noise start)", 4, 4, 1.0, 11, 2,
          "init_96x64.png", init),
        c("img2img_1step_x0_s100_w96_h64_seed5", "img2img", "the 1-step x0 UNet "
          "(prediction_type sample) at strength 1.0", 1, 1, 1.0, 5, 3, "init_96x64.png", init,
          prediction="sample"),
        c("img2img_4step_s075_cfg2_negprompt_w96_h64_seed3", "img2img", "guidance 2.0 with a "
          "negative prompt, strength 0.75 (3 steps)", 4, 4, 0.75, 3, 4, "init_96x64.png", init,
          negative_prompt=NEGATIVE, guidance=2.0, inputs={}),
        c("img2img_4step_s050_fitcrop_from120x72_seed13", "img2img", "a 120x72 input fitted to "
          "96x64 with image_processor.resize(resize_mode='crop') before the pipeline", 4, 4, 0.5,
          13, 0, "init_120x72.png", images["fit_crop_pil"], cli=["--fit", "crop"],
          inputs={"fit": "crop (diffusers resize_mode 'crop')"}),
        c("img2img_2step_s100_fitpad_from80x56_seed17", "img2img", "an 80x56 input fitted to "
          "96x64 with image_processor.resize(resize_mode='fill') before the pipeline", 2, 2, 1.0,
          17, 1, "init_80x56.png", images["fit_pad_pil"], cli=["--fit", "pad"],
          inputs={"fit": "pad (diffusers resize_mode 'fill')"}),
        c("inpaint_4step_s100_w96_h64_seed42", "inpaint", "4-channel UNet, strength 1.0: pure "
          "noise start, known latents re-noised and blended back after every step", 4, 4, 1.0,
          42, 2, "init_96x64.png", init, "mask_96x64.png", mask),
        c("inpaint_4step_s075_w96_h64_seed7", "inpaint", "4-channel UNet, strength 0.75: 3 of 4 "
          "steps from the noised image latents", 4, 4, 0.75, 7, 3, "init_96x64.png", init,
          "mask_96x64.png", mask),
        c("inpaint_4step_s100_blur4_w96_h64_seed42", "inpaint", "as inpaint_4step_s100 (same "
          "seed) with the mask first blurred by pipe.mask_processor.blur(mask, blur_factor=4)",
          4, 4, 1.0, 42, 2, "init_96x64.png", init, "mask_96x64.png", images["mask_blur4_pil"],
          cli=["--mask-blur", "4"], inputs={"mask_blur": 4}),
        c("inpaint9_4step_s100_w96_h64_seed42", "inpaint9", "9-channel inpainting UNet, "
          "strength 1.0", 9, 4, 1.0, 42, 2, "init_96x64.png", init, "mask_96x64.png", mask,
          cli=["--unet", UNET9_FILE]),
        c("inpaint9_4step_s050_w96_h64_seed7", "inpaint9", "9-channel inpainting UNet, "
          "strength 0.5 (2 of 4 steps)", 9, 4, 0.5, 7, 3, "init_96x64.png", init,
          "mask_96x64.png", mask, cli=["--unet", UNET9_FILE]),
        c("outpaint_4step_s100_t16_r32_w96_h64_seed21", "outpaint", "outpaint_src_64x48 grown by "
          "16 px at the top and 32 px on the right (edge-replicated, np.pad mode='edge'), the new "
          "area masked, run as an inpaint case", 4, 4, 1.0, 21, 0, "outpaint_src_64x48.png",
          images["outpaint_padded_96x64.png"], None, images["outpaint_mask_96x64.png"],
          cli=["--outpaint", ",".join(map(str, OUTPAINT))],
          inputs={"outpaint": list(OUTPAINT), "padded_image": "outpaint_padded_96x64.png",
                  "mask_image": "outpaint_mask_96x64.png"}),
    ]
    return out


# --------------------------------------------------------------------------------------------
# Probes that are not pipeline cases


def fit_probe(pipe, images, out):
    """VaeImageProcessor.preprocess(image, height=64, width=96, resize_mode=...) of inputs of
    another size: the tensor the VAE would encode, and the fitted 8-bit image."""
    tensors, doc = {}, {}
    for src in ("init_80x56.png", "init_120x72.png"):
        stem = src[len("init_"):-len(".png")]
        for mode in ("default", "crop", "fill"):
            name = f"from{stem}_{mode}"
            try:
                x = pipe.image_processor.preprocess(images[src], height=H, width=W,
                                                    resize_mode=mode)
                fitted = pipe.image_processor.resize(images[src], H, W, resize_mode=mode)
                u8 = torch.from_numpy(np.array(fitted)).unsqueeze(0).contiguous()
                same = torch.equal(x, (u8.permute(0, 3, 1, 2).float() / 255.0) * 2.0 - 1.0)
                tensors[name] = x.contiguous()
                tensors[name + "_uint8"] = u8
                doc[name] = {"source": src, "resize_mode": mode, "shape": list(x.shape),
                             "fitted_size": list(fitted.size),
                             "equals_uint8_over_255_x2_minus1": same}
                if mode != "default":
                    images[f"fit_{'pad' if mode == 'fill' else mode}_pil_{stem}"] = fitted
            except Exception as e:
                doc[name] = {"source": src, "resize_mode": mode, "error": repr(e)[:400]}
    save_file(tensors, os.path.join(out, "fit.safetensors"))
    return {"file": "fit.safetensors",
            "call": "pipe.image_processor.preprocess(PIL image, height=64, width=96, "
                    "resize_mode=mode); '<name>_uint8' is pipe.image_processor.resize(image, 64, "
                    "96, resize_mode=mode) as 1xHxWx3 uint8; equals_uint8_over_255_x2_minus1 says "
                    "whether <name> == (uint8/255)*2-1 in float32. VaeImageProcessor config: "
                    "resample 'lanczos' (PIL LANCZOS), "
                    "reducing_gap None",
            "cli": {"default": "--fit resize", "crop": "--fit crop", "fill": "--fit pad"},
            "entries": doc}


def mask_blur_probe(pipe, images, out):
    doc = {}
    for radius in (4, 8):
        blurred = pipe.mask_processor.blur(images["mask_96x64.png"], blur_factor=radius)
        name = f"mask_96x64_blur{radius}.png"
        blurred.save(os.path.join(out, name))
        images[f"mask_blur{radius}_pil"] = Image.open(os.path.join(out, name))
        doc[name] = {"source": "mask_96x64.png", "mode": blurred.mode,
                     "call": f"pipe.mask_processor.blur(mask, blur_factor={radius}) = "
                             f"PIL ImageFilter.GaussianBlur({radius})"}
    return doc


def strength_probe(pipe, images, inpaint):
    """int(steps * strength) == 0: what diffusers does."""
    kwargs = dict(prompt=PROMPTS[0], image=images["init_96x64.png"], strength=0.2,
                  num_inference_steps=4, guidance_scale=0.0,
                  generator=torch.Generator("cpu").manual_seed(1), output_type="pil")
    if inpaint:
        kwargs.update(mask_image=images["mask_96x64.png"], height=H, width=W)
    entry = {"pipeline_class": type(pipe).__name__, "num_inference_steps": 4, "strength": 0.2,
             "int(steps*strength)": int(4 * 0.2)}
    try:
        result = pipe(**kwargs)
        entry["raised"] = None
        entry["returned_images"] = len(result.images)
    except Exception as e:
        frame = traceback.extract_tb(e.__traceback__)[-1]
        entry["raised"] = type(e).__name__
        entry["message"] = str(e)
        entry["where"] = f"{os.path.basename(frame.filename)}:{frame.lineno} ({frame.name})"
    return entry


# --------------------------------------------------------------------------------------------


def versions():
    import diffusers
    import PIL
    import safetensors
    import tokenizers
    import transformers
    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except Exception:
        pass
    return {"python": platform.python_version(), "torch": torch.__version__,
            "transformers": transformers.__version__, "diffusers": diffusers.__version__,
            "diffusers_commit": COMMIT, "safetensors": safetensors.__version__,
            "numpy": np.__version__, "pillow": PIL.__version__,
            "tokenizers": tokenizers.__version__, "cpu": cpu,
            "torch_num_threads": torch.get_num_threads()}


def compare_dirs(a, b):
    same, differ = [], []
    for name in sorted(os.listdir(b)):
        if name == "manifest.json":
            continue
        with open(os.path.join(a, name), "rb") as fa, open(os.path.join(b, name), "rb") as fb:
            (same if fa.read() == fb.read() else differ).append(name)
    return {"compared": "every file but manifest.json with an independent earlier process "
                        "(same script, same machine)",
            "identical": len(same), "different": differ}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--fixtures", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--compare")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    from diffusers import StableDiffusionXLImg2ImgPipeline, StableDiffusionXLInpaintPipeline
    reference = versions()
    log(json.dumps(reference))
    images = write_inputs(args.out)
    manifest = {"schema_version": 1,
                "description": "img2img / inpaint / outpaint goldens (issue #19) made by "
                               "bench/reference/refine_goldens.py with diffusers @ " + COMMIT,
                "reference": reference,
                "paths": {"golden_files": "relative to this folder (also the files in cli_extra "
                                          "and model.unet_file)",
                          "models": "relative to the fixtures root (tiny-sdxl/, tiny-lightning/)"},
                "conventions": "README.md ('Tensors of a pipeline case'); the names shared with "
                               "golden/manifest.json mean what its conventions say"}
    failures = []

    manifest["unet_inpaint9"] = make_unet9(args.fixtures, args.out)
    lightning = os.path.join(args.fixtures, "tiny-lightning")
    i2i = make_pipe(StableDiffusionXLImg2ImgPipeline, args.fixtures,
                    load_unet(args.fixtures, os.path.join(lightning, UNETS[4])), "epsilon")
    inp = make_pipe(StableDiffusionXLInpaintPipeline, args.fixtures,
                    load_unet(args.fixtures, os.path.join(lightning, UNETS[4])), "epsilon")
    manifest["fit"] = fit_probe(i2i, images, args.out)
    images["fit_crop_pil"] = images.get("fit_crop_pil_120x72")  # None: that fit failed
    images["fit_pad_pil"] = images.get("fit_pad_pil_80x56")
    manifest["mask_blur"] = mask_blur_probe(inp, images, args.out)
    manifest["probes"] = {"strength_too_small": [strength_probe(i2i, images, False),
                                                 strength_probe(inp, images, True)]}
    manifest["outpaint_rule"] = {
        "outpaint": "LEFT,TOP,RIGHT,BOTTOM pixels added; here " + ",".join(map(str, OUTPAINT)),
        "fill": "np.pad(source, ((top, bottom), (left, right), (0, 0)), mode='edge'): every new "
                "pixel repeats the nearest source pixel (corners the corner pixel)",
        "mask": "255 (repaint) on every new pixel, 0 on the source area",
        "source": "outpaint_src_64x48.png", "padded": "outpaint_padded_96x64.png",
        "mask_file": "outpaint_mask_96x64.png"}

    entries = []
    for case in cases(images):
        try:
            unet = case["unet"]
            weights = os.path.join(args.out, UNET9_FILE) if unet == 9 else \
                os.path.join(lightning, UNETS[unet])
            cls = StableDiffusionXLInpaintPipeline if case["mask_pil"] is not None else \
                StableDiffusionXLImg2ImgPipeline
            pipe = make_pipe(cls, args.fixtures,
                             load_unet(args.fixtures, weights, 9 if unet == 9 else None),
                             case.get("prediction", "epsilon"))
            if case["category"] == "img2img" and "fit" in case["inputs_extra"]:
                # The fitted image is what fit.safetensors holds for this source and mode.
                mode = "crop" if case["cli_extra"][-1] == "crop" else "fill"
                stem = case["inputs_extra"]["image"][len("init_"):-len(".png")]
                fitted = load_file(os.path.join(args.out, "fit.safetensors"))[f"from{stem}_{mode}"]
                assert torch.equal(pipe.image_processor.preprocess(case["image_pil"]), fitted)
            entries.append(run_case(case, pipe, args.out))
            if entries[-1]["check_failures"]:
                failures.append(case["id"])
        except Exception:
            failures.append(case["id"])
            log(f"  {case['id']}: FAILED")
            traceback.print_exc()
    manifest["cases"] = entries
    if args.compare:
        manifest["determinism"] = compare_dirs(args.compare, args.out)
        log("determinism:", json.dumps(manifest["determinism"]))
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    log("failures:", failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
