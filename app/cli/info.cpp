// `lightning info`: the parameters stored in PNGs, as written or as read back (--json).
#include "app/cli/commands.h"
#include "core/engine/parameters.h"
#include "core/util/error.h"

#ifdef LIGHTNING_HAVE_OIIO
#include "core/image/png.h"
#endif

#include <nlohmann/json.hpp>

#include <iostream>

namespace lightning::cli {
namespace {

nlohmann::json record_json(const ImageRecord& record) {
    const auto& r = record.request;
    nlohmann::json loras = nlohmann::json::array();
    for (size_t i = 0; i < r.loras.size(); ++i)
        loras.push_back({{"name", r.loras[i].path},
                         {"scale", r.loras[i].scale},
                         {"hash", i < record.loras.size() ? record.loras[i].hash : ""}});
    nlohmann::json out = {{"prompt", r.prompt},
                          {"steps", r.steps},
                          {"guidance", r.guidance},
                          {"seed", r.seed},
                          {"width", r.width},
                          {"height", r.height},
                          {"clip_skip", r.clip_skip},
                          {"sampler", record.sampler},
                          {"model", {{"name", record.model.name}, {"hash", record.model.hash}}},
                          {"unet", {{"name", record.unet.name}, {"hash", record.unet.hash}}},
                          {"loras", loras},
                          {"version", record.version}};
    out["negative_prompt"] = r.negative_prompt ? nlohmann::json(*r.negative_prompt) : nullptr;
    for (const auto& [key, value] : record.extra) out["extra"][key] = value;
    return out;
}

}  // namespace

int run_info(const InfoArgs& args) {
#ifndef LIGHTNING_HAVE_OIIO
    throw UsageError("info: this build has no PNG support (built without OpenImageIO)");
#else
    int status = 0;
    for (const auto& file : args.files) {
        try {
            const auto text = read_png_text(file);
            const auto found = text.entries.find("parameters");
            if (found == text.entries.end()) throw Error(file, "no \"parameters\" text chunk");
            if (args.json) {
                const auto record = parse_parameters(found->second);
                if (!record) throw Error(file, "the parameters text has no settings line");
                auto json = record_json(*record);
                json["file"] = file;
                std::cout << json.dump(2) << '\n';
            } else {
                if (args.files.size() > 1) std::cout << "== " << file << '\n';
                std::cout << found->second << '\n';
            }
        } catch (const Error& e) {
            std::cerr << "lightning: error: " << e.what() << '\n';
            status = 1;
        }
    }
    return status;
#endif
}

}  // namespace lightning::cli
