// One line of a batch manifest (core/batch/manifest.h) on arbitrary text: parse_manifest_line
// never throws; a line it accepts has a request inside the limits of the request JSON and its
// error empty, a line it refuses has no request and says why.
#include "core/batch/manifest.h"
#include "core/util/error.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    static const lightning::batch::ManifestDefaults loose{}, strict = [] {
        lightning::batch::ManifestDefaults defaults;
        defaults.prompt_given = defaults.seed_given = defaults.strict_paths = true;
        return defaults;
    }();
    for (const auto* defaults : {&loose, &strict}) {
        lightning::batch::ManifestLine line;
        try {
            line = lightning::batch::parse_manifest_line(text, 7, *defaults, "/nonexistent/batch");
        } catch (...) {
            fuzz::require(false, "parse_manifest_line never throws");
        }
        fuzz::require(line.number == 7, "the line number is kept");
        fuzz::require(line.request.has_value() == line.error.empty(),
                      "a line has a request or an error, not both");
    }
    return 0;
}
