#pragma once
#include "app/cli/args.h"

namespace lightning::cli {

int run_generate(const GenerateArgs& args);  // exit status
int run_batch(const BatchArgs& args);        // app/cli/batch.cpp
// --devices all -> every CUDA device (app/cli/batch.cpp); throws UsageError when there is none.
std::vector<std::string> resolve_devices(const std::vector<std::string>& devices);
int run_verify(const VerifyArgs& args);    // 0 iff every golden check passes
int run_bench(const BenchArgs& args);      // timings table + JSON report
int run_info(const InfoArgs& args);        // prints the parameters of PNGs
int run_upscale(const UpscaleArgs& args);  // app/cli/upscale.cpp
int run_serve(const ServeArgs& args);      // app/cli/serve.cpp (until SIGTERM)
// `lightning models download|list|verify` (app/cli/models.cpp); throws UsageError.
int run_models(const std::vector<std::string>& args);
std::string models_usage();
// `lightning bench --upscaler FILE` (app/cli/bench_upscale.cpp).
int run_upscale_bench(const BenchArgs& args);

}  // namespace lightning::cli
