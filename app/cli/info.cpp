// `lightning info`: the parameters stored in PNGs, as written (control characters escaped) or
// as read back (--json).
#include "app/cli/commands.h"
#include "app/cli/terminal_text.h"
#include "core/request/parameters.h"
#include "core/request/request_json.h"
#include "core/util/error.h"

#ifdef LIGHTNING_HAVE_OIIO
#include "core/image/image_file.h"
#endif

#include <nlohmann/json.hpp>

#include <iostream>

namespace lightning::cli {
namespace {

nlohmann::json identity_json(const FileIdentity& file) {
    return {{"name", file.name}, {"hash", file.hash}};
}

// The request in its one JSON form (request_json.h: every field, prompt syntax, embeddings and
// VAE tiling included), plus what the PNG says of the files it was made with.
nlohmann::json record_json(const ImageRecord& record) {
    nlohmann::json out = request_to_json(record.request);
    for (size_t i = 0; i < out["loras"].size() && i < record.loras.size(); ++i)
        out["loras"][i]["hash"] = record.loras[i].hash;
    for (size_t i = 0; i < out["embeddings"].size() && i < record.embeddings.size(); ++i)
        out["embeddings"][i]["hash"] = record.embeddings[i].hash;
    out["model"] = identity_json(record.model);
    out["unet"] = identity_json(record.unet);
    out["vae"] = identity_json(record.vae);
    out["sampler"] = record.sampler;
    out["version"] = record.version;
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
            const ImageFileRecord found = read_image_record(file);
            if (!found.parameters) throw Error(file, "no \"parameters\" text chunk");
            if (args.json) {
                if (!found.record) throw Error(file, "the parameters text has no settings line");
                auto json = record_json(*found.record);
                json["file"] = file;
                // JSON escapes control characters; bytes that are not UTF-8 become U+FFFD.
                std::cout << json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
                          << '\n';
            } else {
                if (args.files.size() > 1) std::cout << "== " << printable(file) << '\n';
                std::cout << printable(*found.parameters) << '\n';
            }
        } catch (const Error& e) {
            std::cerr << "lightning: error: " << printable(e.what()) << '\n';
            status = 1;
        }
    }
    return status;
#endif
}

}  // namespace lightning::cli
