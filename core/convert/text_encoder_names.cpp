#include "core/convert/text_encoder_names.h"

#include "core/util/log.h"

#include <algorithm>

namespace lightning {

std::shared_ptr<TensorSource> clip_text_weights_any_layout(std::shared_ptr<TensorSource> source) {
    static const char* kWrapped[] = {"embeddings.", "encoder.", "final_layer_norm."};
    const auto names = source->names();
    const auto wrapped = [](const std::string& name) {
        return std::any_of(std::begin(kWrapped), std::end(kWrapped),
                           [&](const char* prefix) { return name.rfind(prefix, 0) == 0; });
    };
    if (std::none_of(names.begin(), names.end(), wrapped)) return source;
    std::vector<std::pair<std::string, std::string>> new_to_old;
    new_to_old.reserve(names.size());
    for (const auto& name : names)
        new_to_old.emplace_back(wrapped(name) ? "text_model." + name : name, name);
    log().debug("{}: text encoder saved without the text_model. prefix (transformers 5)",
                source->describe());
    return renamed_source(std::move(source), std::move(new_to_old));
}

}  // namespace lightning
