#!/usr/bin/env python3
"""ESRGAN x4 speed of spandrel, the reference implementation people run, on a full-size random
RRDBNet: the counterpart of `lightning bench --upscaler FILE` (app/cli/bench_upscale.cpp) on the
very same weights file, in the same device call (scripts/gpu-check.sh upscale-bench).

  esrgan_bench.py --spandrel DIR --write-weights FILE [--seed N]
      writes random weights of RealESRGAN_x4plus's shape (x4, 23 RRDBs, 64 features, 32 growth
      channels), built by spandrel's own RRDBNet with PyTorch's default initialisation under a
      fixed seed, as .safetensors in the old ESRGAN layout (model.N keys, as 4x-UltraSharp).
  esrgan_bench.py --spandrel DIR --weights FILE --dtype fp16|fp32 [--size 1024] [--runs 7]
                  [--warmup 2] [--json OUT]
      loads FILE with spandrel.ModelLoader and times one upscale as ours is timed: a random
      image as float32 pixels in host memory -> the model's device and dtype -> the descriptor's
      call (padding to its size requirements, the network, clamp) -> float32 in host memory.
      Medians of --runs after --warmup untimed runs, under torch.no_grad, cuDNN settings left at
      PyTorch's defaults (as in our CLI); the peak GPU memory allocated during the timed runs.

spandrel: https://github.com/chaiNNer-org/spandrel at b0c3eb2d044112a5302200757e84f839b971393b
(MIT), imported from DIR (its libs/spandrel folder); never copied into this repository.
"""
import argparse
import json
import statistics
import sys
import time


def write_weights(path, seed):
    import torch
    from safetensors.torch import save_file
    from spandrel.architectures.ESRGAN import ESRGAN

    torch.manual_seed(seed)
    model = ESRGAN(in_nc=3, out_nc=3, num_filters=64, num_blocks=23, scale=4)
    state = {k: v.detach().contiguous() for k, v in model.state_dict().items()}
    save_file(state, path, metadata={"format": "pt"})
    params = sum(v.numel() for v in state.values())
    print(f"wrote {path}: {len(state)} tensors, {params} parameters (seed {seed})")


def bench(args):
    import torch
    import spandrel

    device = torch.device("cuda")
    dtype = {"fp16": torch.float16, "fp32": torch.float32, "bf16": torch.bfloat16}[args.dtype]
    torch.cuda.synchronize()
    start = time.perf_counter()
    descriptor = spandrel.ModelLoader().load_from_file(args.weights)
    descriptor.to(device).eval()
    if dtype != torch.float32:
        descriptor.to(dtype)
    torch.cuda.synchronize()
    load_s = time.perf_counter() - start
    generator = torch.Generator().manual_seed(1904)
    pixels = torch.randint(0, 256, (1, 3, args.size, args.size), generator=generator)
    pixels = pixels.to(torch.float32) / 255

    def once():
        with torch.no_grad():
            out = descriptor(pixels.to(device, dtype))
            return out.to(torch.float32).cpu()  # ends on the host: synchronised

    for _ in range(args.warmup):
        once()
    torch.cuda.reset_peak_memory_stats()
    runs_ms = []
    for _ in range(args.runs):
        start = time.perf_counter()
        out = once()
        runs_ms.append((time.perf_counter() - start) * 1000)
    report = {
        "reference": "spandrel b0c3eb2d (ImageModelDescriptor call)",
        "spandrel_version": getattr(spandrel, "__version__", ""),
        "architecture": descriptor.architecture.id,
        "tags": list(descriptor.tags),
        "scale": descriptor.scale,
        "device": str(device),
        "card": torch.cuda.get_device_name(device),
        "dtype": args.dtype,
        "size": [args.size, args.size],
        "runs": args.runs,
        "warmup": args.warmup,
        "tf32_cudnn": torch.backends.cudnn.allow_tf32,
        "cudnn_benchmark": torch.backends.cudnn.benchmark,
        "torch": torch.__version__,
        "load_s": load_s,
        "upscale_ms": statistics.median(runs_ms),
        "runs_ms": runs_ms,
        "output_size": [out.shape[3], out.shape[2]],
        "output_mean": float(out.mean()),
        "output_finite": bool(torch.isfinite(out).all()),
        "peak_memory_gb": torch.cuda.max_memory_allocated(device) / 2**30,
    }
    print(f"spandrel upscale {args.size}x{args.size} -> {out.shape[3]}x{out.shape[2]} "
          f"({args.dtype}): median {report['upscale_ms']:.1f} ms of {args.runs} runs, load "
          f"{load_s:.2f} s, peak GPU memory {report['peak_memory_gb']:.2f} GiB "
          f"({report['card']})")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=2)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--spandrel", required=True, help="spandrel's libs/spandrel folder")
    parser.add_argument("--write-weights", help="write random RealESRGAN_x4plus-shaped weights")
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--weights", help="the weights file to time")
    parser.add_argument("--dtype", default="fp16", choices=["fp16", "fp32", "bf16"])
    parser.add_argument("--size", type=int, default=1024)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--json")
    args = parser.parse_args()
    sys.path.insert(0, args.spandrel)
    if args.write_weights:
        write_weights(args.write_weights, args.seed)
    if args.weights:
        bench(args)


if __name__ == "__main__":
    main()
