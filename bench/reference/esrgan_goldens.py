"""Goldens for the ESRGAN-family upscalers (issue #19), made by running spandrel's own ESRGAN
architecture (its RRDBNet, its key conversion and its ImageModelDescriptor) on tiny random
RRDBNet weights (CPU, float32, deterministic algorithms).

    python3 esrgan_goldens.py --spandrel DIR --out OUT_DIR [--compare EARLIER_OUT_DIR]

Needs torch, numpy, safetensors and pillow. DIR holds spandrel's package (the folder that holds
`spandrel/`, i.e. libs/spandrel of github.com/chaiNNer-org/spandrel, MIT, at SPANDREL_COMMIT).
spandrel is imported from DIR with no install; when its other architectures' dependencies
(einops, torchvision) are missing, only the ESRGAN architecture and spandrel's loader helpers
(canonicalize_state_dict, RestrictedUnpickle) are imported, and spandrel's
ModelLoader.load_state_dict_from_file is replayed with them (the manifest says which ran).
OUT_DIR receives what tests/data/esrgan/ holds (tests/data/esrgan/README.md describes it).
With --compare, every file is compared byte for byte with an earlier run's.

Models: spandrel builds the network (its old-arch RRDBNet); the script writes the weights in
basicsr's key layout (conv_first, body.N.rdbK.convJ, conv_body, conv_up1/2, conv_hr,
conv_last), in the old ESRGAN layout (model.0, model.1.sub.N.RDBK.convJ.0, model.3 ...), and
wrapped in `params_ema` / `params` as Real-ESRGAN's .pth files are, and checks that spandrel's
own loader turns every file into the same network (same state dict, same output bit for bit).

spandrel fixes the RRDB growth channels at 32 (every public ESRGAN file uses 32). To keep the
files small, most models here use 4 growth channels: the script wraps spandrel's B.RRDB so that
it builds the blocks with gc=4; nothing else in spandrel is changed. One model keeps gc=32
with spandrel unpatched.
"""
import argparse
import collections
import contextlib
import hashlib
import json
import os
import platform
import re
import sys
import types

import numpy as np
import torch
from PIL import Image
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

SPANDREL_COMMIT = "b0c3eb2d044112a5302200757e84f839b971393b"
SPANDREL_REPO = "https://github.com/chaiNNer-org/spandrel"
THREADS = 16
TARGET_MEAN, TARGET_STD = 0.5, 0.2  # of each output channel after the calibration of conv_last

torch.use_deterministic_algorithms(True)
torch.set_num_threads(THREADS)


def log(*args):
    print(*args, flush=True)


# --------------------------------------------------------------------------------------------
# spandrel


class Spandrel:
    """spandrel's ESRGAN architecture and its file loading, imported from a source folder."""

    def __init__(self, root):
        sys.path.insert(0, root)
        try:
            import spandrel  # noqa: F401  (the whole package: needs einops, torchvision)
            self.mode = "spandrel.ModelLoader (full package)"
            self.full = True
        except ImportError as err:
            for name in [m for m in sys.modules if m == "spandrel" or m.startswith("spandrel.")]:
                del sys.modules[name]
            # A bare package object: spandrel/__init__.py (which imports every architecture) is
            # not run; its submodules are imported from their files as they are.
            pkg = types.ModuleType("spandrel")
            pkg.__path__ = [os.path.join(root, "spandrel")]
            sys.modules["spandrel"] = pkg
            self.mode = ("spandrel's ESRGAN architecture, canonicalize_state_dict and RestrictedUnpickle "
                         "(full package not importable: %s)" % err)
            self.full = False
        import spandrel.architectures.ESRGAN as esrgan
        import spandrel.architectures.ESRGAN.__arch.RRDB as rrdb
        from spandrel.__helpers.canonicalize import canonicalize_state_dict
        from spandrel.__helpers.unpickler import RestrictedUnpickle
        self.esrgan, self.rrdb = esrgan, rrdb
        self.canonicalize, self.unpickle = canonicalize_state_dict, RestrictedUnpickle
        self.version = getattr(sys.modules.get("spandrel"), "__version__", None)

    @contextlib.contextmanager
    def growth(self, gc):
        """spandrel builds RRDBs with gc=32; for gc != 32 wrap B.RRDB to pass gc instead."""
        block = self.rrdb.B
        original = block.RRDB
        if gc != 32:
            def rrdb_with_gc(*args, **kwargs):
                kwargs["gc"] = gc
                return original(*args, **kwargs)
            block.RRDB = rrdb_with_gc
        try:
            yield
        finally:
            block.RRDB = original

    def build(self, **kwargs):
        return self.rrdb.RRDBNet(**kwargs)

    def load_file(self, path):
        """spandrel's ModelLoader.load_from_file for .pth and .safetensors on the CPU."""
        if self.full:
            import spandrel
            return spandrel.ModelLoader("cpu").load_from_file(path)
        if path.endswith(".safetensors"):
            from safetensors.torch import load_file
            state = load_file(path, device="cpu")
        else:
            state = torch.load(path, map_location=torch.device("cpu"), pickle_module=self.unpickle)
        return self.esrgan.ESRGANArch().load(self.canonicalize(state))

    def to_old(self, state):
        return self.esrgan._to_old_arch(dict(state))


# --------------------------------------------------------------------------------------------
# Key layouts


def old_to_basicsr(old):
    """Old ESRGAN keys -> basicsr RRDBNet keys: the inverse of spandrel's _to_old_arch table
    (checked against it on every model, see check_layouts)."""
    seq = sorted({int(k.split(".")[1]) for k in old if re.match(r"model\.\d+\.", k)})
    last = seq[-1]
    ups = [i for i in seq if i not in (0, 1, last - 2, last)]
    nb = max(int(k.split(".")[3]) for k in old if k.startswith("model.1.sub.") and ".RDB" in k) + 1
    out = collections.OrderedDict()
    for key, value in old.items():
        parts = key.split(".")
        index, kind = int(parts[1]), parts[-1]
        if index == 0:
            name = "conv_first"
        elif index == 1 and parts[3] == str(nb):
            name = "conv_body"
        elif index == 1:
            m = re.match(r"model\.1\.sub\.(\d+)\.RDB(\d)\.conv(\d)\.0\.(weight|bias)$", key)
            name = "body.%s.rdb%s.conv%s" % m.groups()[:3]
        elif index in ups:
            name = "conv_up%d" % (ups.index(index) + 1)
        elif index == last - 2:
            name = "conv_hr"
        else:
            name = "conv_last"
        out["%s.%s" % (name, kind)] = value
    return out


def check_layouts(sp, old, new):
    """spandrel's own conversion of the basicsr layout gives back the old state dict exactly."""
    back = sp.to_old(new)
    assert list(back.keys()) == list(old.keys()) or sorted(back) == sorted(old), (sorted(back), sorted(old))
    for k in old:
        assert torch.equal(back[k], old[k]), k


# --------------------------------------------------------------------------------------------
# Models


def init_weights(model, seed):
    """He-normal conv weights (activations keep their size through the trunk), small biases."""
    g = torch.Generator("cpu").manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("weight"):
                fan_in = p.shape[1] * p.shape[2] * p.shape[3]
                p.copy_(torch.randn(p.shape, generator=g) * (2.0 / fan_in) ** 0.5)
            else:
                p.copy_((torch.rand(p.shape, generator=g) - 0.5) * 0.2)


def pad_like_spandrel(desc, x):
    from spandrel.__helpers.size_req import pad_tensor
    return pad_tensor(x, desc.size_requirements)


def calibrate_last(sp, model, image, round_fp16):
    """Rescale conv_last per output channel so that the output on `image` has mean 0.5 and std
    0.2: the clamp to [0, 1] then keeps nearly every value (the comparison stays sensitive)."""
    last = model.model[-1]
    feats = {}
    handle = last.register_forward_hook(lambda m, i, o: feats.__setitem__("x", i[0]))
    with torch.no_grad():
        model(image)
        handle.remove()
        raw = torch.nn.functional.conv2d(feats["x"], last.weight, None, padding=1)
        mean = raw.mean(dim=(0, 2, 3))
        std = raw.std(dim=(0, 2, 3))
        k = TARGET_STD / std
        last.weight.mul_(k[:, None, None, None])
        last.bias.copy_(TARGET_MEAN - k * mean)
        if round_fp16:
            for p in model.parameters():
                p.copy_(p.half().float())


MODELS = {
    # name: basicsr scale (1 and 2 unshuffle the input first), num_feat, num_block, num_grow_ch,
    # weight dtype of the files, seed
    "x4": dict(scale=4, nf=4, nb=2, gc=4, dtype="float32", seed=1904),
    "x2": dict(scale=2, nf=4, nb=2, gc=4, dtype="float32", seed=1902),
    "x1": dict(scale=1, nf=4, nb=2, gc=4, dtype="float32", seed=1901),
    "x4_gc32": dict(scale=4, nf=4, nb=1, gc=32, dtype="float16", seed=1932),
}


def make_model(sp, spec, image):
    shuffle = {4: None, 2: 2, 1: 4}[spec["scale"]]
    in_nc = 3 * (shuffle or 1) ** 2
    with sp.growth(spec["gc"]):
        model = sp.build(in_nc=in_nc, out_nc=3, num_filters=spec["nf"], num_blocks=spec["nb"],
                         scale=4, shuffle_factor=shuffle)
    init_weights(model, spec["seed"])
    model.eval()
    padded = pad_like_spandrel(types.SimpleNamespace(size_requirements=size_req(shuffle)), image)[1]
    calibrate_last(sp, model, padded, spec["dtype"] == "float16")
    return model


def size_req(shuffle):
    from spandrel.__helpers.size_req import SizeRequirements
    return SizeRequirements(minimum=2, multiple_of=4 if shuffle else 1)


def file_state(state, dtype):
    return collections.OrderedDict((k, v.detach().to(getattr(torch, dtype)).contiguous().clone())
                                   for k, v in state.items())


def write_model_files(sp, out, name, spec, model):
    """The model's files: {name}.safetensors (basicsr keys) and, for some, .pth variants."""
    old = file_state(model.state_dict(), spec["dtype"])
    new = old_to_basicsr(old)
    check_layouts(sp, old, new)
    assert spec["dtype"] == "float16" or all(torch.equal(v, old[k]) for k, v in model.state_dict().items())
    files = {"%s.safetensors" % name: ("basicsr", new)}
    if name == "x4":
        files["x4_params_ema.pth"] = ("basicsr in {'params_ema': ...} (Real-ESRGAN's .pth form)",
                                      {"params_ema": new})
        # torch.save(model.state_dict()) as is: an OrderedDict carrying `_metadata`, as the
        # old-layout files people hold (4x-UltraSharp) are.
        files["x4_old.pth"] = ("old ESRGAN (model.N; 4x-UltraSharp's form), torch.save(state_dict())",
                               model.state_dict())
    if name == "x2":
        files["x2_params.pth"] = ("basicsr in {'params': ...}", {"params": new})
    written = []
    for fname, (layout, payload) in files.items():
        path = os.path.join(out, fname)
        if fname.endswith(".safetensors"):
            save_file(payload, path, metadata={"format": "pt"})
        else:
            torch.save(payload, path)
        written.append({"file": fname, "layout": layout, "sha256": sha256(path)})
    return written, new


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


# --------------------------------------------------------------------------------------------
# Inputs and runs


def blob_image(width, height, seed):
    from refine_goldens import blob_image as blobs  # the refine goldens' input recipe
    return blobs(width, height, seed)


def read_input(path):
    arr = np.asarray(Image.open(path).convert("RGB")).astype(np.float32) / np.float32(255)
    return torch.from_numpy(arr).permute(2, 0, 1)[None].contiguous()


def run(desc, image, threads=THREADS, dtype=torch.float32):
    """The descriptor's call (pad, model, clamp, crop) and the unclamped model output."""
    torch.set_num_threads(threads)
    try:
        model = desc.model.to(dtype)
        x = image.to(dtype)
        with torch.no_grad():
            did_pad, padded = pad_like_spandrel(desc, x)
            raw = model(padded)[..., : x.shape[2] * desc.scale, : x.shape[3] * desc.scale]
            out = desc(x)
        return raw.float().contiguous(), out.float().contiguous()
    finally:
        desc.model.float()
        torch.set_num_threads(THREADS)


def to_uint8(out):
    arr = out[0].permute(1, 2, 0).numpy()
    return Image.fromarray((arr * 255).round().astype("uint8"))


def max_abs(a, b):
    return float((a.double() - b.double()).abs().max())


def trunk_removed(desc):
    """A copy whose RDBs are identities (conv5 zeroed): how much the trunk moves the output."""
    import copy
    clone = copy.deepcopy(desc)
    with torch.no_grad():
        for name, p in clone.model.named_parameters():
            if re.search(r"RDB\d\.conv5\.0\.", name):
                p.zero_()
    return clone


CASES = [
    # id, model, input, files that must all give this output, tile settings for the C++ tests
    ("x4_nf4_nb2_gc4_in24x20", "x4", "in_24x20.png"),
    ("x2_nf4_nb2_gc4_in24x20", "x2", "in_24x20.png"),
    ("x2_nf4_nb2_gc4_in23x19", "x2", "in_23x19.png"),
    ("x1_nf4_nb2_gc4_in24x20", "x1", "in_24x20.png"),
    ("x4_nf4_nb1_gc32_in23x19", "x4_gc32", "in_23x19.png"),
]


def receptive_radius(spec):
    """Input pixels on each side that reach an output pixel (what an exact tiling must overlap):
    conv_first, 15 convs per RRDB, conv_body at the trunk's resolution, then one trunk pixel at
    most for the upsampling convs, conv_hr and conv_last; times the unshuffle factor."""
    shuffle = {4: 1, 2: 2, 1: 4}[spec["scale"]]
    return (2 + 15 * spec["nb"] + 1) * shuffle


def run_case(sp, out, case_id, model_name, input_name, model_files, spec):
    image = read_input(os.path.join(out, input_name))
    with sp.growth(spec["gc"]):  # spandrel builds the network when it loads the file
        descs = {f["file"]: sp.load_file(os.path.join(out, f["file"])) for f in model_files}
    first = model_files[0]["file"]
    desc = descs[first]
    raw, output = run(desc, image)
    for fname, other in descs.items():  # every layout gives the same network and output
        assert type(other.model).__name__ == type(desc.model).__name__
        r2, o2 = run(other, image)
        assert torch.equal(r2, raw) and torch.equal(o2, output), fname
    raw1, out1 = run(desc, image, threads=1)
    raw64, _ = run(desc, image, dtype=torch.float64)
    sens = max_abs(run(trunk_removed(desc), image)[0], raw)
    png = to_uint8(output)
    png.save(os.path.join(out, case_id + ".png"))
    # Only the unclamped output is stored (the clamp and the PNG follow from it; checked here).
    assert torch.equal(output, raw.clamp(0, 1)), case_id
    save_file({"raw": raw}, os.path.join(out, case_id + ".safetensors"))
    inside = float(((raw > 0) & (raw < 1)).double().mean())
    log("%s: out %s, raw in (0,1): %.4f, 1 vs %d threads %.3g, fp64 vs fp32 %.3g, trunk %.3g" % (
        case_id, tuple(output.shape), inside, THREADS, max_abs(raw1, raw), max_abs(raw64, raw), sens))
    radius = receptive_radius(spec)
    return {
        "id": case_id, "model": model_name, "model_files": [f["file"] for f in model_files],
        "input": input_name, "input_size": [image.shape[3], image.shape[2]],
        "output_size": [output.shape[3], output.shape[2]], "scale": desc.scale,
        "spandrel": {"tags": desc.tags, "scale": desc.scale, "input_channels": desc.input_channels,
                     "output_channels": desc.output_channels, "size_requirements": {
                         "minimum": desc.size_requirements.minimum,
                         "multiple_of": desc.size_requirements.multiple_of},
                     "hyperparameters": {k: v for k, v in getattr(desc.model, "hyperparameters", {}).items()
                                         if isinstance(v, (int, float, str, bool, type(None)))}},
        "files": {"golden": case_id + ".safetensors", "png": case_id + ".png"},
        "tensors": {"raw": "1x3x(H*scale)x(W*scale) float32: the model's output on the padded input, "
                           "cropped, unclamped; ImageModelDescriptor(input) equals raw.clamp(0, 1) "
                           "exactly (asserted)"},
        "raw_fraction_inside_0_1": inside,
        "observed": {"raw_1_vs_%d_threads_max_abs" % THREADS: max_abs(raw1, raw),
                     "output_1_vs_%d_threads_max_abs" % THREADS: max_abs(out1, output),
                     "raw_fp64_vs_fp32_max_abs": max_abs(raw64, raw),
                     "raw_max_abs": float(raw.abs().max())},
        "sensitivity": {"raw_change_with_every_rdb_conv5_zeroed": sens},
        "receptive_radius_input_px": radius,
        "tiles": [{"tile": 8, "overlap": radius}, {"tile": 12, "overlap": radius + 4}],
        "tolerance": {"raw_atol": 1e-5, "output_atol": 1e-5, "png": "at most 1 level on at most 0.1 % of values"},
    }


# --------------------------------------------------------------------------------------------
# Files that are not upscalers (the loader must refuse them without running anything)


class PrintOnLoad:
    """Unpickling this calls builtins.print: a harmless stand-in for a .pth that runs code."""

    def __reduce__(self):
        return (print, ("esrgan_goldens: this .pth ran code when it was unpickled",))


def write_bad_files(out):
    bad = {}
    torch.save({"epoch": 3, "optimizer": {"lr": 0.1}}, os.path.join(out, "bad_no_tensors.pth"))
    bad["bad_no_tensors.pth"] = "a dict of plain numbers: no tensors"
    torch.save({"params_ema": {"conv_first.weight": torch.zeros(2, 3, 3, 3)},
                "note": PrintOnLoad()}, os.path.join(out, "bad_runs_code.pth"))
    bad["bad_runs_code.pth"] = "a pickle whose load calls builtins.print (REDUCE of a global)"
    return bad


# --------------------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spandrel", required=True, help="folder holding spandrel/ (libs/spandrel)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--compare")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    sp = Spandrel(args.spandrel)
    log("spandrel:", sp.mode)

    inputs = {"in_24x20.png": blob_image(24, 20, 2401), "in_23x19.png": blob_image(23, 19, 2302)}
    for fname, image in inputs.items():
        image.save(os.path.join(args.out, fname))

    models, written = {}, {}
    for name, spec in MODELS.items():
        calib = read_input(os.path.join(args.out, "in_24x20.png"))
        model = make_model(sp, spec, calib)
        files, new = write_model_files(sp, args.out, name, spec, model)
        written[name] = files
        models[name] = dict(spec, files=files, tensors=len(new),
                            parameters=int(sum(v.numel() for v in new.values())),
                            shapes={k: list(v.shape) for k, v in new.items()})
        log("model %s: %d tensors, %d parameters, files %s" % (
            name, len(new), models[name]["parameters"], [f["file"] for f in files]))

    cases = [run_case(sp, args.out, cid, m, inp, written[m], MODELS[m]) for cid, m, inp in CASES]
    bad = write_bad_files(args.out)

    manifest = {
        "schema_version": 1,
        "description": "ESRGAN (RRDBNet) upscaler goldens from spandrel on tiny random weights",
        "reference": {"spandrel_repo": SPANDREL_REPO, "spandrel_commit": SPANDREL_COMMIT,
                      "spandrel_version": sp.version, "spandrel_licence": "MIT", "spandrel_import": sp.mode,
                      "torch": torch.__version__, "numpy": np.__version__,
                      "pillow": Image.__version__, "python": platform.python_version(),
                      "machine": platform.machine(), "threads": THREADS, "device": "cpu", "dtype": "float32",
                      "deterministic_algorithms": True},
        "conventions": {
            "input": "PNG 8-bit RGB -> float32 / 255, 1x3xHxW",
            "png": "round(output * 255) (numpy round: half to even) as 8-bit RGB",
            "call": "spandrel ImageModelDescriptor.__call__: pad right/bottom (reflect, then replicate "
                    "past size-1) to the size requirements, model, clamp to [0, 1], crop to H*scale x W*scale",
            "raw": "the same without the clamp",
            "weights": "He-normal conv weights, biases uniform(-0.1, 0.1), seeded; conv_last rescaled per "
                       "channel so the output on in_24x20.png has mean %.2f and std %.2f" % (TARGET_MEAN, TARGET_STD),
            "growth_channels": "gc != 32 is built by wrapping spandrel's B.RRDB (spandrel fixes gc=32)",
            "layouts": "every model file of a case loads in spandrel to the same old-arch state dict and the same "
                       "output bit for bit; the basicsr keys are checked against spandrel's _to_old_arch",
        },
        "models": models,
        "cases": cases,
        "bad_files": bad,
    }
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=False)

    if args.compare:
        differ = []
        for fname in sorted(os.listdir(args.out)):
            if fname == "manifest.json" or fname.endswith(".pth"):
                continue  # the manifest records the run; torch.save writes a random serialization id
            with open(os.path.join(args.out, fname), "rb") as a, open(os.path.join(args.compare, fname), "rb") as b:
                if a.read() != b.read():
                    differ.append(fname)
        manifest["determinism"] = {"compared_with_independent_run": True, "files_differing": differ,
                                   "skipped": ".pth files (torch.save writes a random serialization id); "
                                              "manifest.json"}
        with open(os.path.join(args.out, "manifest.json"), "w") as f:
            json.dump(manifest, f, indent=1)
        log("compare:", "identical" if not differ else differ)
    total = sum(os.path.getsize(os.path.join(args.out, f)) for f in os.listdir(args.out))
    log("wrote %d files, %d bytes" % (len(os.listdir(args.out)), total))


if __name__ == "__main__":
    main()
