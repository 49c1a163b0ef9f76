#!/usr/bin/env python3
"""Where the SDXL VAE decoder's time goes at 1024² in bf16 on a GPU, and what each lever buys:
cuDNN autotuning, channels-last, a CUDA graph, torch.compile; the mid-block attention (one head
of width 512 over 16,384 pixels) under each SDPA backend; and a kernel profile of the eager
decode, grouped by operator. Runs diffusers' AutoencoderKL (the reference) on the random
full-size VAE that lightning-random-model writes, so it predicts what the same levers give our
engine, which calls the same ATen kernels. Prints a table and writes JSON.

diffusers is not installed on the GPU machine: put its public source on PYTHONPATH.
"""
import argparse, json, statistics

import torch


def cuda_ms(fn, runs):
    for _ in range(3):
        fn()
    times = []
    for _ in range(runs):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        torch.cuda.synchronize()
        times.append(start.elapsed_time(end))
    return statistics.median(times)


def graphed(fn):
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        for _ in range(2):
            fn()
    torch.cuda.current_stream().wait_stream(side)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        fn()
    return graph.replay


def attention_backends(runs):
    from torch.nn.attention import SDPBackend, sdpa_kernel
    q = torch.randn(1, 1, 128 * 128, 512, device="cuda", dtype=torch.bfloat16)
    out = {}
    for name, backend in [("flash", SDPBackend.FLASH_ATTENTION),
                          ("efficient", SDPBackend.EFFICIENT_ATTENTION),
                          ("cudnn", SDPBackend.CUDNN_ATTENTION), ("math", SDPBackend.MATH)]:
        try:
            with sdpa_kernel(backend):
                out[name] = cuda_ms(lambda: torch.nn.functional.scaled_dot_product_attention(q, q, q), runs)
        except RuntimeError as e:
            out[name] = "unsupported: " + str(e).splitlines()[0][:100]
    out["default"] = cuda_ms(lambda: torch.nn.functional.scaled_dot_product_attention(q, q, q), runs)
    return out


def profile(decode):
    from torch.profiler import ProfilerActivity, profile as prof
    decode()
    torch.cuda.synchronize()
    with prof(activities=[ProfilerActivity.CUDA, ProfilerActivity.CPU]) as p:
        decode()
        torch.cuda.synchronize()
    rows = []
    for e in p.key_averages():
        cuda_us = getattr(e, "self_device_time_total", None)
        if cuda_us is None:
            cuda_us = e.self_cuda_time_total
        if e.key.startswith("aten::") and cuda_us > 0:
            rows.append((e.key, cuda_us / 1000, e.count))
    rows.sort(key=lambda r: -r[1])
    return [{"op": k, "ms": round(ms, 3), "calls": n} for k, ms, n in rows[:15]]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vae", required=True, help="diffusers VAE folder")
    ap.add_argument("--size", type=int, default=1024)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--compile", action="store_true")
    ap.add_argument("--json", required=True)
    a = ap.parse_args()
    from diffusers import AutoencoderKL

    vae = AutoencoderKL.from_pretrained(a.vae, torch_dtype=torch.bfloat16).to("cuda").eval()
    z = torch.randn(1, 4, a.size // 8, a.size // 8, device="cuda", dtype=torch.bfloat16)
    r = {"device": torch.cuda.get_device_name(), "torch": torch.__version__, "size": a.size}
    with torch.inference_mode():
        decode = lambda: vae.decode(z).sample
        torch.backends.cudnn.benchmark = False
        r["eager_ms"] = cuda_ms(decode, a.runs)
        torch.backends.cudnn.benchmark = True
        r["eager_cudnn_benchmark_ms"] = cuda_ms(decode, a.runs)
        r["profile_eager_benchmark"] = profile(decode)
        r["graph_cudnn_benchmark_ms"] = cuda_ms(graphed(decode), a.runs)
        vae.to(memory_format=torch.channels_last)
        zc = z.contiguous(memory_format=torch.channels_last)
        r["channels_last_benchmark_ms"] = cuda_ms(lambda: vae.decode(zc).sample, a.runs)
        vae.to(memory_format=torch.contiguous_format)
        r["attention_ms"] = attention_backends(a.runs)
        if a.compile:
            compiled = torch.compile(vae.decode)
            r["compiled_ms"] = cuda_ms(lambda: compiled(z).sample, a.runs)
    print(json.dumps(r, indent=2))
    json.dump(r, open(a.json, "w"), indent=2)


if __name__ == "__main__":
    main()
