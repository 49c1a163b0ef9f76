"""Goldens for variation seeds (issue #24 item 3): the start noise that AUTOMATIC1111's
stable-diffusion-webui draws with a variation seed ("subseed"), its strength and "Resize seed from
width/height", made by running the webui's own modules/rng.py (ImageRNG, slerp) with torch.

    python3 a1111_variation_noise.py --rng WEBUI/modules/rng.py --out OUT_DIR

Source: github.com/AUTOMATIC1111/stable-diffusion-webui (AGPL-3.0), modules/rng.py at commit
0d5dc9a6e7f6362e423a06bf0e75dd5854025394 (ImageRNG and slerp; modules/processing.py at
0027ce1f6e58c5f4279173e468a60aef420babfe builds ImageRNG as below and imports slerp from rng.py).
Only rng.py is loaded; the modules it imports (devices, shared, rng_philox) are replaced by stubs
that give it what a CPU-only webui with the setting "Random number generator source: CPU" has:
devices.device = devices.cpu, shared.opts.randn_source = "CPU", eta_noise_seed_delta = 0.

What this script adds is processing.py's rule for the seeds of a batch
(process_images_inner: all_seeds = seed + i only while subseed_strength is 0, else seed for
every image; all_subseeds = subseed + i) and ImageRNG's shape (opt_C = 4, height // 8,
width // 8); the noise is rng.ImageRNG(...).next(), the call create_random_tensors makes.

OUT_DIR receives index.json (the cases, their requests and files) and one raw little-endian
float32 file per case, [batch, 4, height / 8, width / 8] in C order. tests/core/test_variation.cpp
compares core/pipeline/variation_noise.cpp with them.

tests/data/variation was made on the development machine with Debian 12's python3-torch
1.13.1+dfsg-4 (the build of the engine's libtorch), unpacked into a private folder rather than
installed (no GPU machine could be started then):

    apt-get download python3-torch python3-typing-extensions python3-numpy
    for f in *.deb; do dpkg -x $f ROOT; done
    # the package's torch/lib links are relative to /usr: point them at /usr/lib/x86_64-linux-gnu
    PYTHONPATH=ROOT/usr/lib/python3/dist-packages \
        python3 a1111_variation_noise.py --rng WEBUI/modules/rng.py --out tests/data/variation

On the GPU machine (its CPU and pip torch; the run tool carries a git-ignored folder holding
this script and the webui's modules/rng.py as it was read at that commit) the same command runs
as it is; comparing its files with tests/data/variation's byte for byte checks that another
torch build draws the same noise (not run yet: see tests/data/variation/README.md).
"""
import argparse
import hashlib
import importlib.util
import json
import os
import platform
import sys
import types

import torch

WEBUI = "AUTOMATIC1111/stable-diffusion-webui"
RNG_COMMIT = "0d5dc9a6e7f6362e423a06bf0e75dd5854025394"
PROCESSING_COMMIT = "0027ce1f6e58c5f4279173e468a60aef420babfe"

# name, width, height, seed, subseed, strength, resize_from (w, h) or None, batch
CASES = [
    ("plain", 64, 64, 1234, 5678, 0.0, None, 1),
    ("strength_0_3", 64, 64, 1234, 5678, 0.3, None, 1),
    ("strength_1", 64, 64, 1234, 5678, 1.0, None, 1),
    ("strength_0_75_wide", 96, 64, 7, 99, 0.75, None, 1),
    ("same_seeds_blend", 64, 64, 42, 42, 0.3, None, 1),  # slerp's near-equal fallback
    ("resize_from_smaller", 96, 80, 1234, 5678, 0.3, (64, 72), 1),
    ("resize_from_larger", 64, 72, 1234, 5678, 0.3, (88, 96), 1),
    ("resize_only", 64, 64, 1234, 5678, 0.0, (80, 80), 1),
    ("batch_2", 64, 64, 1234, 5678, 0.3, None, 2),
    ("batch_2_no_variation", 64, 64, 1234, 5678, 0.0, None, 2),
]


def install_stubs():
    """The modules rng.py imports, as a CPU-only webui with RNG source CPU has them."""
    package = types.ModuleType("modules")
    package.__path__ = []
    devices = types.ModuleType("modules.devices")
    devices.cpu = torch.device("cpu")
    devices.device = devices.cpu
    shared = types.ModuleType("modules.shared")
    shared.opts = types.SimpleNamespace(randn_source="CPU", eta_noise_seed_delta=0)
    shared.device = devices.cpu
    philox = types.ModuleType("modules.rng_philox")  # only the "NV" source uses it
    for module in (package, devices, shared, philox):
        sys.modules[module.__name__] = module
    package.devices, package.shared, package.rng_philox = devices, shared, philox


def load_rng(path):
    install_stubs()
    spec = importlib.util.spec_from_file_location("modules.rng", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["modules.rng"] = module
    spec.loader.exec_module(module)
    return module


def case_noise(rng, width, height, seed, subseed, strength, resize_from, batch):
    # processing.py's process_images_inner: the seeds of a batch.
    seeds = [seed + (i if strength == 0 else 0) for i in range(batch)]
    subseeds = [subseed + i for i in range(batch)]
    resize_w, resize_h = resize_from or (0, 0)
    image_rng = rng.ImageRNG((4, height // 8, width // 8), seeds, subseeds=subseeds,
                             subseed_strength=strength, seed_resize_from_h=resize_h,
                             seed_resize_from_w=resize_w)
    return image_rng.next(), seeds, subseeds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rng", required=True, help="the webui's modules/rng.py")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    torch.set_num_threads(1)
    rng = load_rng(args.rng)
    os.makedirs(args.out, exist_ok=True)
    with open(args.rng, "rb") as f:
        rng_sha256 = hashlib.sha256(f.read()).hexdigest()
    cases = []
    for name, width, height, seed, subseed, strength, resize_from, batch in CASES:
        noise, seeds, subseeds = case_noise(rng, width, height, seed, subseed, strength,
                                            resize_from, batch)
        assert noise.dtype == torch.float32 and noise.is_contiguous()
        file = name + ".f32"
        with open(os.path.join(args.out, file), "wb") as f:
            f.write(noise.numpy().astype("<f4").tobytes())
        cases.append({
            "name": name, "file": file, "shape": list(noise.shape),
            "width": width, "height": height, "batch": batch, "seed": seed,
            "variation_seed": subseed, "variation_strength": strength,
            "seed_resize_from": list(resize_from) if resize_from else None,
            "a1111_seeds": seeds, "a1111_subseeds": subseeds,
            "max_abs": float(noise.abs().max()),
        })
        print(name, list(noise.shape), float(noise.abs().max()))
    index = {
        "source": {"repo": WEBUI, "license": "AGPL-3.0", "rng_py_commit": RNG_COMMIT,
                   "processing_py_commit": PROCESSING_COMMIT, "rng_py_sha256": rng_sha256,
                   "settings": {"randn_source": "CPU", "eta_noise_seed_delta": 0}},
        "generator": "bench/reference/a1111_variation_noise.py",
        "torch": torch.__version__, "python": platform.python_version(),
        "layout": "raw little-endian float32, [batch, 4, height/8, width/8], C order",
        "cases": cases,
    }
    with open(os.path.join(args.out, "index.json"), "w") as f:
        json.dump(index, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
