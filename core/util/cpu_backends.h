// CPU kernel-library selection from the environment, in one place.
//
// Reduced-precision results depend on which kernels a CPU gets: on x86-64 with AVX-512 (Intel),
// libtorch sends bf16 convolutions and matrix products to oneDNN; on AVX2-only CPUs (most AMD
// desktops and EPYCs) it uses its own reference kernels. LIGHTNING_MKLDNN=0 takes oneDNN out of
// the picture on any machine, which together with ATEN_CPU_CAPABILITY=avx2 reproduces the AVX2
// machines' code paths on an AVX-512 one. (DNNL_MAX_CPU_ISA=AVX2 alone does not: libtorch 1.13
// still routes bf16 to oneDNN by CPUID, and oneDNN then aborts for want of a bf16 kernel.)
#pragma once

namespace lightning {

// Reads LIGHTNING_MKLDNN (0/off/false disables oneDNN for every libtorch operator). Idempotent
// and cheap; called by every entry point that runs models (engine load, golden checks, tests).
void apply_cpu_backend_environment();

// True when oneDNN is in use for the operators that can use it.
bool mkldnn_enabled();

}  // namespace lightning
