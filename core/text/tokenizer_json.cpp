#include "core/text/tokenizer_json.h"

#include "core/util/error.h"
#include "core/util/file_text.h"

namespace lightning {

TokenizerJsonBpe read_tokenizer_json(const std::string& path) {
    const nlohmann::json doc = read_json_file(path);
    if (!doc.is_object() || !doc.contains("model") || !doc["model"].is_object())
        throw Error(path, "no \"model\" object (not a tokenizers tokenizer.json)");
    const auto& model = doc["model"];
    if (model.value("type", std::string("BPE")) != "BPE")
        throw Error(path, "model.type is not BPE (not CLIP's tokenizer)");
    if (!model.contains("vocab") || !model["vocab"].is_object())
        throw Error(path, "model.vocab: expected an object of token -> id");
    if (!model.contains("merges") || !model["merges"].is_array())
        throw Error(path, "model.merges: expected an array");

    TokenizerJsonBpe bpe;
    bpe.vocab = model["vocab"];
    std::string merges = "#version: 0.2\n";
    size_t index = 0;
    for (const auto& merge : model["merges"]) {
        // tokenizers < 0.20 writes "left right"; newer versions write ["left", "right"].
        if (merge.is_string()) {
            merges += merge.get<std::string>();
        } else if (merge.is_array() && merge.size() == 2 && merge[0].is_string() &&
                   merge[1].is_string()) {
            merges += merge[0].get<std::string>() + " " + merge[1].get<std::string>();
        } else {
            throw Error(path, "model.merges[" + std::to_string(index) +
                                  "]: expected \"a b\" or [\"a\", \"b\"]");
        }
        merges += '\n';
        ++index;
    }
    bpe.merges_text = std::move(merges);
    bpe.added_tokens = doc.value("added_tokens", nlohmann::json::array());
    if (!bpe.added_tokens.is_array()) throw Error(path, "added_tokens: expected an array");
    return bpe;
}

}  // namespace lightning
