#include "core/convert/esrgan_names.h"

#include "core/util/error.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <regex>
#include <set>

namespace lightning {
namespace {

// The file's names under one wrapper: stripped name -> the file's name.
using Names = std::map<std::string, std::string>;
using Mapping = std::vector<std::pair<std::string, std::string>>;

bool has_all(const Names& names, std::initializer_list<const char*> wanted) {
    return std::all_of(wanted.begin(), wanted.end(),
                       [&](const char* name) { return names.count(name) != 0; });
}

Mapping rename_each(const Names& names,
                    const std::vector<std::pair<std::regex, std::string>>& rules) {
    Mapping out;
    for (const auto& [name, original] : names) {
        std::string renamed = name;
        for (const auto& [pattern, replacement] : rules)
            if (std::regex_match(name, pattern)) {
                renamed = std::regex_replace(name, pattern, replacement);
                break;
            }
        out.emplace_back(renamed, original);
    }
    return out;
}

Mapping bsrgan_names(const Names& names) {
    static const std::vector<std::pair<std::regex, std::string>> rules = {
        {std::regex(R"(RRDB_trunk\.(\d+)\.RDB(\d)\.conv(\d)\.(weight|bias))"),
         "body.$1.rdb$2.conv$3.$4"},
        {std::regex(R"(trunk_conv\.(weight|bias))"), "conv_body.$1"},
        {std::regex(R"(upconv(\d)\.(weight|bias))"), "conv_up$1.$2"},
        {std::regex(R"(HRconv\.(weight|bias))"), "conv_hr.$1"}};
    return rename_each(names, rules);
}

// The old layout is one nn.Sequential: model.0 conv_first, model.1 the trunk (its RRDBs, then
// at index <blocks> conv_body), then per ×2 upsampling an (Upsample, conv, LeakyReLU) triple,
// then the HR conv, a LeakyReLU and the last conv. So among the top-level convs after model.1
// the last is conv_last, the one two before it conv_hr, and the others the upsampling convs in
// order (spandrel's _new_to_old_arch writes conv_upK to model.3K).
Mapping old_esrgan_names(const Names& names) {
    static const std::regex top(R"(model\.(\d+)\.(weight|bias))");
    static const std::regex rdb(R"(model\.1\.sub\.(\d+)\.RDB(\d)\.conv(\d)\.0\.(weight|bias))");
    static const std::regex trunk_end(R"(model\.1\.sub\.(\d+)\.(weight|bias))");
    std::set<int> indices;
    int blocks = 0;
    std::smatch m;
    for (const auto& [name, original] : names) {
        if (std::regex_match(name, m, top) && m[1] != "1") indices.insert(std::stoi(m[1]));
        if (std::regex_match(name, m, rdb)) blocks = std::max(blocks, std::stoi(m[1]) + 1);
    }
    const int last = indices.empty() ? -1 : *indices.rbegin();
    std::map<int, std::string> top_names = {{0, "conv_first"}, {last, "conv_last"}};
    if (indices.count(last - 2) && last - 2 > 0) top_names[last - 2] = "conv_hr";
    int up = 0;
    for (const int index : indices)
        if (!top_names.count(index)) top_names[index] = "conv_up" + std::to_string(++up);
    Mapping out;
    for (const auto& [name, original] : names) {
        std::string renamed = name;
        if (std::regex_match(name, m, top) && top_names.count(std::stoi(m[1])))
            renamed = top_names[std::stoi(m[1])] + "." + m[2].str();
        else if (std::regex_match(name, m, rdb))
            renamed = "body." + m[1].str() + ".rdb" + m[2].str() + ".conv" + m[3].str() + "." +
                      m[4].str();
        else if (std::regex_match(name, m, trunk_end) && std::stoi(m[1]) == blocks)
            renamed = "conv_body." + m[2].str();
        out.emplace_back(renamed, original);
    }
    return out;
}

// The names as they are, then under each wrapper in spandrel's order; each also without a
// common "module." / "netG." prefix (DataParallel, BasicSR's generator name).
std::vector<std::pair<std::string, Names>> candidates(const std::vector<std::string>& names) {
    std::vector<std::pair<std::string, Names>> out;
    for (const std::string wrapper : {"", "model_state_dict", "state_dict", "params_ema",
                                      "params-ema", "params", "model", "net"}) {
        const std::string prefix = wrapper.empty() ? "" : wrapper + ".";
        Names under;
        for (const auto& name : names)
            if (name.size() > prefix.size() && name.compare(0, prefix.size(), prefix) == 0)
                under.emplace(name.substr(prefix.size()), name);
        if (under.empty()) continue;
        out.emplace_back(wrapper, under);
        for (const std::string common : {"module.", "netG."}) {
            const bool all = std::all_of(under.begin(), under.end(), [&](const auto& entry) {
                return entry.first.compare(0, common.size(), common) == 0;
            });
            if (!all) continue;
            Names stripped;
            for (const auto& [name, original] : under)
                stripped.emplace(name.substr(common.size()), original);
            const std::string label = common.substr(0, common.size() - 1);
            out.emplace_back(wrapper.empty() ? label : wrapper + "." + label, stripped);
        }
    }
    return out;
}

// A few of the file's names, for the error: only those made of name characters (text from a
// file that is not what was expected is never echoed as it is).
std::string some_names(const std::vector<std::string>& names) {
    std::string out;
    int shown = 0;
    for (const auto& name : names) {
        const bool plain = name.size() <= 80 && std::all_of(name.begin(), name.end(), [](char c) {
                               return std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
                                      c == '-' || c == '.';
                           });
        if (!plain) continue;
        if (shown == 4) return out + ", ...";
        out += (shown++ ? ", '" : "'") + name + "'";
    }
    return shown ? out : "none with a plain name";
}

}  // namespace

EsrganNames esrgan_basicsr_names(const std::vector<std::string>& names, const std::string& where) {
    for (const auto& [wrapper, under] : candidates(names)) {
        if (has_all(under, {"conv_first.weight", "body.0.rdb1.conv1.weight", "conv_body.weight",
                            "conv_last.weight"}))
            return {"basicsr", wrapper, rename_each(under, {})};
        if (has_all(under, {"conv_first.weight", "RRDB_trunk.0.RDB1.conv1.weight",
                            "trunk_conv.weight", "conv_last.weight"}))
            return {"BSRGAN", wrapper, bsrgan_names(under)};
        if (has_all(under, {"model.0.weight", "model.1.sub.0.RDB1.conv1.0.weight"}))
            return {"old ESRGAN", wrapper, old_esrgan_names(under)};
        if (has_all(under, {"model.0.weight", "model.1.sub.0.RDB1.conv1x1.weight"}))
            throw Error(where, "an ESRGAN+ model (RDBs with conv1x1), which is not supported");
    }
    throw Error(where,
                "not an ESRGAN (RRDBNet) upscaler: it has no conv_first.weight with "
                "body.0.rdb1.conv1.weight (basicsr), no model.0.weight with "
                "model.1.sub.0.RDB1.conv1.0.weight (ESRGAN) and no RRDB_trunk (BSRGAN); " +
                    std::to_string(names.size()) + " tensors, e.g. " + some_names(names));
}

}  // namespace lightning
