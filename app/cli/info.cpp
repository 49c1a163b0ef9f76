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
                // The record in its one JSON form (request_json.h), files with names and hashes.
                auto json = record_to_json(*found.record);
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
