// ComfyUI's `prompt` (API graph) and `workflow` (UI graph) entries (foreign_metadata.h). The
// workflow is first named as the API graph names it, then both go through one mapper: the first
// KSampler / KSamplerAdvanced of the graph (the one whose latent comes from no other sampler;
// the lowest id among several), its positive and negative conditioning followed back to their
// CLIPTextEncode (through nodes that pass one `conditioning` on), its latent to EmptyLatentImage
// and its model through LoraLoaders to the checkpoint loader. Every walk keeps the nodes it has
// seen, so a cyclic graph ends, and a graph has at most kMaxNodes nodes.
#include "core/request/foreign_fields.h"
#include "core/util/error.h"

#include <algorithm>
#include <map>
#include <set>

namespace lightning {
namespace {

using nlohmann::json;
using namespace foreign;

constexpr size_t kMaxNodes = 5000;

struct Node {
    std::string type;
    const json* inputs = nullptr;  // an object
};
using Graph = std::map<std::string, Node>;

// What the mapper has read of one graph.
struct Reading {
    const Graph& graph;
    std::string entry;
    ForeignRecord out;
    std::set<std::string> read;  // node ids that gave a field, or that it went through
};

const json* input(const Node& node, const std::string& name) {
    return field(*node.inputs, name);
}

// The node id an input links to: ["6", 0] (API graph ids are strings; numbers taken too).
std::optional<std::string> link_target(const json* value) {
    if (!value || !value->is_array() || value->size() != 2 || !(*value)[1].is_number())
        return std::nullopt;
    const json& id = (*value)[0];
    if (id.is_string()) return id.get<std::string>();
    if (id.is_number_integer()) return std::to_string(id.get<int64_t>());
    return std::nullopt;
}

const Node* linked_node(Reading& reading, const json* value, std::string* id_out = nullptr) {
    const auto id = link_target(value);
    if (!id) return nullptr;
    const auto found = reading.graph.find(*id);
    if (found == reading.graph.end()) return nullptr;
    if (id_out) *id_out = *id;
    return &found->second;
}

// A widget value, or the value of the node it links to (a primitive or string node).
const json* widget(Reading& reading, const Node& node, const std::string& name,
                   std::initializer_list<const char*> source_names) {
    const json* value = input(node, name);
    std::string id;
    if (const Node* source = linked_node(reading, value, &id)) {
        for (const char* source_name : source_names)
            if (const json* found = input(*source, source_name); found && !found->is_array()) {
                reading.read.insert(id);
                return found;
            }
        return nullptr;
    }
    return value && !value->is_array() ? value : nullptr;
}

bool is_sampler(const Node& node) {
    return node.type == "KSampler" || node.type == "KSamplerAdvanced";
}

// The text a conditioning input comes from, or why it cannot be said.
std::optional<std::string> conditioning_text(Reading& reading, const json* value,
                                             std::string& why) {
    std::set<std::string> seen;
    std::string id;
    for (const Node* node = linked_node(reading, value, &id); node;
         node = linked_node(reading, value, &id)) {
        if (!seen.insert(id).second)
            return why = "its conditioning nodes form a cycle", std::nullopt;
        const bool sdxl = node->type == "CLIPTextEncodeSDXL";
        if (node->type == "CLIPTextEncode" || sdxl || node->type == "CLIPTextEncodeSDXLRefiner") {
            const json* text =
                widget(reading, *node, sdxl ? "text_g" : "text", {"text", "string", "value"});
            if (!text || !text->is_string())
                return why = node->type + " " + id + " has no text this reader takes", std::nullopt;
            reading.read.insert(id);
            if (const json* text_l =
                    sdxl ? widget(reading, *node, "text_l", {"text", "string", "value"}) : nullptr;
                text_l && *text_l != *text)
                unused(reading.out, node->type + " " + id + " text_l", *text_l);
            return text->get<std::string>();
        }
        value = input(*node, "conditioning");
        if (!link_target(value))
            return why = "it comes from " + node->type + " " + id, std::nullopt;
        reading.read.insert(id);
        unused(reading.out, "Conditioning through", node->type + " " + id);
    }
    return why = "it links to no node of the graph", std::nullopt;
}

void read_texts(Reading& reading, const Node& sampler) {
    for (const bool positive : {true, false}) {
        std::string why;
        const auto text =
            conditioning_text(reading, input(sampler, positive ? "positive" : "negative"), why);
        const char* name = positive ? "Prompt" : "Negative prompt";
        if (!text) {
            unused(reading.out, std::string(name) + " not read", why);
            continue;
        }
        mapped(reading.out, name);
        if (positive)
            reading.out.record.request.prompt = *text;
        else
            reading.out.record.request.negative_prompt = *text;
    }
}

// A sampler input at the value that runs the whole schedule as the app does (nothing to say).
bool whole_schedule(const std::string& name, const json& value, int steps) {
    if (name == "denoise") return json_double(value) == 1.0;
    if (name == "start_at_step") return json_int(value) == 0;
    if (name == "end_at_step") return json_int(value).value_or(0) >= steps;
    if (name == "add_noise") return value == "enable";
    if (name == "return_with_leftover_noise") return value == "disable";
    return false;
}

// Steps, CFG, seed, sampler and the sampler's other inputs.
void read_sampler(Reading& reading, const std::string& id, const Node& sampler) {
    auto& request = reading.out.record.request;
    const bool advanced = sampler.type == "KSamplerAdvanced";
    const json* seed =
        widget(reading, sampler, advanced ? "noise_seed" : "seed", {"seed", "noise_seed", "value"});
    if (const auto value = seed ? json_seed(*seed) : std::nullopt) {
        request.seed = *value;
        mapped(reading.out, "Seed");
    } else {
        unreadable(reading.out, "Seed",
                   sampler.type + " " + id + " gives no seed this reader takes");
    }
    const json* steps = widget(reading, sampler, "steps", {"steps", "value"});
    if (const auto value = steps ? json_int(*steps) : std::nullopt) {
        request.steps = *value;
        mapped(reading.out, "Steps");
    } else {
        unreadable(reading.out, "Steps", sampler.type + " " + id + " gives no step count");
    }
    const json* cfg = widget(reading, sampler, "cfg", {"cfg", "value"});
    if (const auto value = cfg ? json_double(*cfg) : std::nullopt) {
        request.guidance = *value;
        mapped(reading.out, "CFG scale");
    } else {
        unreadable(reading.out, "CFG scale", sampler.type + " " + id + " gives no cfg");
    }
    if (const json* name = widget(reading, sampler, "sampler_name", {"sampler_name", "value"});
        name && name->is_string()) {
        reading.out.record.sampler = sampler_name(name->get<std::string>());
        mapped(reading.out, "Sampler");
    }
    static const std::set<std::string> kRead = {"seed",     "noise_seed",   "steps",
                                                "cfg",      "sampler_name", "model",
                                                "positive", "negative",     "latent_image"};
    for (const auto& [name, value] : sampler.inputs->items()) {
        if (kRead.count(name) || value.is_array() || whole_schedule(name, value, request.steps))
            continue;
        unused(reading.out,
               name == "denoise"     ? "Denoising strength"
               : name == "scheduler" ? "Scheduler"
                                     : sampler.type + " " + name,
               value);
    }
}

// The size of the latent the sampler starts from.
void read_size(Reading& reading, const Node& sampler) {
    std::string id;
    const Node* latent = linked_node(reading, input(sampler, "latent_image"), &id);
    if (!latent || latent->type.rfind("Empty", 0) != 0 ||
        latent->type.find("Latent") == std::string::npos) {
        unreadable(reading.out, "Size",
                   latent ? "from " + latent->type + " " + id + " (an input image)" : "no latent");
        return;
    }
    reading.read.insert(id);
    const json* width = widget(reading, *latent, "width", {"width", "value"});
    const json* height = widget(reading, *latent, "height", {"height", "value"});
    const auto w = width ? json_int(*width) : std::nullopt;
    const auto h = height ? json_int(*height) : std::nullopt;
    if (!w || !h)
        return unreadable(reading.out, "Size", latent->type + " " + id + " gives no size");
    reading.out.record.request.width = *w;
    reading.out.record.request.height = *h;
    mapped(reading.out, "Size");
    if (const json* batch = input(*latent, "batch_size"); batch && json_int(*batch) != 1)
        unused(reading.out, "batch_size", *batch);
}

// The checkpoint and the LoRAs on the way to it from the sampler's model input.
void read_model(Reading& reading, const Node& sampler) {
    std::vector<std::pair<LoraSpec, FileIdentity>> loras;  // nearest the sampler first
    std::set<std::string> seen;
    std::string id;
    const json* value = input(sampler, "model");
    for (const Node* node = linked_node(reading, value, &id); node && seen.insert(id).second;
         node = linked_node(reading, value, &id)) {
        reading.read.insert(id);
        const json* name =
            input(*node, node->type.rfind("Lora", 0) == 0 ? "lora_name" : "ckpt_name");
        if (node->type == "LoraLoader" || node->type == "LoraLoaderModelOnly") {
            const auto file = name ? json_string(*name) : std::nullopt;
            const json* strength = input(*node, "strength_model");
            const auto scale = strength ? json_double(*strength) : std::nullopt;
            if (file)
                loras.push_back(
                    {{model_stem(*file), scale.value_or(1.0)}, {model_stem(*file), ""}});
            if (const json* clip = input(*node, "strength_clip");
                file && clip && strength && *clip != *strength)
                unused(reading.out, "LoRA " + model_stem(*file) + " strength_clip", *clip);
        } else if (node->type == "CheckpointLoaderSimple" || node->type == "CheckpointLoader") {
            if (const auto file = name ? json_string(*name) : std::nullopt) {
                reading.out.record.model.name = model_stem(*file);
                mapped(reading.out, "Model");
            }
            break;
        } else {
            unused(reading.out, "Model through", node->type + " " + id);
        }
        value = input(*node, "model");
    }
    std::reverse(loras.begin(), loras.end());  // in the order they were applied
    for (auto& [spec, identity] : loras) {
        reading.out.record.request.loras.push_back(spec);
        reading.out.record.loras.push_back(identity);
        mapped(reading.out, "LoRAs");
    }
}

// "12" before "3:4"; numeric ids by value.
bool id_less(const std::string& a, const std::string& b) {
    const bool a_digits =
        !a.empty() && a.size() < 18 && a.find_first_not_of("0123456789") == std::string::npos;
    const bool b_digits =
        !b.empty() && b.size() < 18 && b.find_first_not_of("0123456789") == std::string::npos;
    if (a_digits && b_digits) return std::stoll(a) < std::stoll(b);
    if (a_digits != b_digits) return a_digits;
    return a < b;
}

// The sampler that starts the image: its latent comes through no other sampler. Each node's
// answer is kept, so the walks together visit every node at most once.
std::optional<std::string> first_sampler(Reading& reading) {
    std::map<std::string, bool> after_sampler;  // node id -> its latent came through a sampler
    std::vector<std::string> starts;
    for (const auto& [id, node] : reading.graph) {
        if (!is_sampler(node)) continue;
        std::vector<std::string> path;
        bool found = false;
        std::string at;
        for (const Node* n = linked_node(reading, input(node, "latent_image"), &at); n;) {
            if (const auto known = after_sampler.find(at); known != after_sampler.end()) {
                found = known->second;
                break;
            }
            if (is_sampler(*n)) {
                found = true;
                break;
            }
            if (std::find(path.begin(), path.end(), at) != path.end()) break;  // a cycle
            path.push_back(at);
            const json* next = input(*n, "samples");
            if (!next) next = input(*n, "latent_image");
            if (!next) next = input(*n, "latent");
            n = linked_node(reading, next, &at);
        }
        for (const auto& visited : path) after_sampler[visited] = found;
        if (!found) starts.push_back(id);
    }
    if (starts.empty()) return std::nullopt;
    return *std::min_element(starts.begin(), starts.end(), id_less);
}

ForeignRecord map_graph(const Graph& graph, const std::string& entry) {
    Reading reading{graph, entry, {}, {}};
    reading.out.tool = "ComfyUI";
    reading.out.source = entry;
    reading.out.record.version = "ComfyUI";
    reading.out.record.sampler.clear();
    const auto start = first_sampler(reading);
    if (!start) {
        std::set<std::string> types;  // named only when they look like names (error.h)
        for (const auto& [id, node] : graph)
            if (types.size() < 8 && !quote_if_name(node.type).empty()) types.insert(node.type);
        std::string list;
        for (const auto& type : types) list += (list.empty() ? "" : ", ") + type;
        throw Error(entry + " entry",
                    "no KSampler or KSamplerAdvanced node starts the image (" +
                        std::to_string(graph.size()) + " nodes" +
                        (list.empty() ? "" : ": " + list + (types.size() == 8 ? ", ..." : "")) +
                        ")");
    }
    const Node& sampler = graph.at(*start);
    reading.read.insert(*start);
    read_texts(reading, sampler);
    read_sampler(reading, *start, sampler);
    read_size(reading, sampler);
    read_model(reading, sampler);
    static const std::set<std::string> kPlumbing = {"VAEDecode", "VAEDecodeTiled", "SaveImage",
                                                    "PreviewImage", "VAELoader"};
    std::map<std::string, int> others;  // node type -> how many were not read
    for (const auto& [id, node] : graph)
        if (!reading.read.count(id) && !kPlumbing.count(node.type)) ++others[node.type];
    for (const auto& [type, count] : others)
        unused(reading.out, "Node not read",
               count == 1 ? type : type + " (" + std::to_string(count) + ")");
    finish(reading.out);
    return reading.out;
}

void check_size(size_t nodes, const std::string& entry) {
    if (nodes > kMaxNodes)
        throw Error(entry + " entry", "the graph has " + std::to_string(nodes) +
                                          " nodes; at most " + std::to_string(kMaxNodes) +
                                          " are read");
}

// ------------------------------------------------------------------- the workflow (UI graph)

// The widget names of the common nodes, in the order of their `widgets_values`, as the API graph
// names the same inputs. A seed widget is followed by its "control after generate" value
// (older workflows: "Random seed after every gen") when the list is one longer.
const std::map<std::string, std::vector<std::string>>& widget_names() {
    static const std::map<std::string, std::vector<std::string>> names = {
        {"KSampler", {"seed", "steps", "cfg", "sampler_name", "scheduler", "denoise"}},
        {"KSamplerAdvanced",
         {"add_noise", "noise_seed", "steps", "cfg", "sampler_name", "scheduler", "start_at_step",
          "end_at_step", "return_with_leftover_noise"}},
        {"CLIPTextEncode", {"text"}},
        {"CLIPTextEncodeSDXL",
         {"width", "height", "crop_w", "crop_h", "target_width", "target_height", "text_g",
          "text_l"}},
        {"CLIPTextEncodeSDXLRefiner", {"ascore", "width", "height", "text"}},
        {"EmptyLatentImage", {"width", "height", "batch_size"}},
        {"CheckpointLoaderSimple", {"ckpt_name"}},
        {"CheckpointLoader", {"config_name", "ckpt_name"}},
        {"LoraLoader", {"lora_name", "strength_model", "strength_clip"}},
        {"LoraLoaderModelOnly", {"lora_name", "strength_model"}},
    };
    return names;
}

void name_widgets(const std::string& type, const json& values, json& inputs) {
    const auto names = widget_names().find(type);
    if (names == widget_names().end() || !values.is_array()) return;
    const std::vector<std::string>& list = names->second;
    const size_t control = values.size() == list.size() + 1 ? 1 : 0;
    if (values.size() != list.size() + control) return;  // a layout this reader does not know
    size_t at = 0;
    for (const std::string& name : list) {
        inputs[name] = values[at++];
        if (control && (name == "seed" || name == "noise_seed")) ++at;
    }
}

// link id -> [origin node id, origin slot], from [id, origin, slot, target, slot, type] lists
// or {"id", "origin_id", "origin_slot"} objects.
std::map<int64_t, json> workflow_links(const json& links) {
    std::map<int64_t, json> out;
    if (!links.is_array()) return out;
    for (const json& link : links) {
        const json* id = link.is_array() && link.size() >= 3 ? &link[0] : field(link, "id");
        const json* origin =
            link.is_array() && link.size() >= 3 ? &link[1] : field(link, "origin_id");
        const json* slot =
            link.is_array() && link.size() >= 3 ? &link[2] : field(link, "origin_slot");
        if (id && origin && slot && id->is_number_integer() && origin->is_number_integer() &&
            slot->is_number_integer())
            out[id->get<int64_t>()] = json::array({std::to_string(origin->get<int64_t>()), *slot});
    }
    return out;
}

// The workflow as an API graph: {"id": {"class_type", "inputs"}}.
json workflow_as_prompt(const json& workflow, const std::string& entry) {
    const json* nodes = field(workflow, "nodes");
    if (!nodes || !nodes->is_array()) throw Error(entry + " entry", "no \"nodes\" list");
    check_size(nodes->size(), entry);
    const auto links = workflow_links(workflow.value("links", json()));
    json prompt = json::object();
    for (const json& node : *nodes) {
        const json* id = field(node, "id");
        const json* type = field(node, "type");
        if (!id || !id->is_number_integer() || !type || !type->is_string()) continue;
        if (const json* mode = field(node, "mode"); mode && *mode != 0)
            continue;  // muted, bypassed
        json inputs = json::object();
        if (const json* values = field(node, "widgets_values"))
            name_widgets(type->get<std::string>(), *values, inputs);
        if (const json* list = field(node, "inputs"); list && list->is_array())
            for (const json& in : *list) {
                const json* name = field(in, "name");
                const json* link = field(in, "link");
                // A widget turned into an input keeps its value among the widgets (a primitive
                // node feeds it): the value is taken from there.
                if (!name || !name->is_string() || !link || !link->is_number_integer() ||
                    field(in, "widget"))
                    continue;
                if (const auto found = links.find(link->get<int64_t>()); found != links.end())
                    inputs[name->get<std::string>()] = found->second;
            }
        prompt[std::to_string(id->get<int64_t>())] = {{"class_type", *type},
                                                      {"inputs", std::move(inputs)}};
    }
    return prompt;
}

Graph graph_of(const json& prompt, const std::string& entry) {
    check_size(prompt.size(), entry);
    Graph graph;
    for (const auto& [id, node] : prompt.items()) {
        const json* type = field(node, "class_type");
        const json* inputs = field(node, "inputs");
        if (!type || !type->is_string() || !inputs || !inputs->is_object())
            throw Error(entry + " entry",
                        "node" + quote_if_name(id) + " has no class_type and inputs");
        graph[id] = {type->get<std::string>(), inputs};
    }
    return graph;
}

}  // namespace

ForeignRecord read_comfyui_prompt(const std::string& text) {
    const json prompt = parse_object(text, "prompt");
    return map_graph(graph_of(prompt, "prompt"), "prompt");
}

ForeignRecord read_comfyui_workflow(const std::string& text) {
    const json prompt = workflow_as_prompt(parse_object(text, "workflow"), "workflow");
    return map_graph(graph_of(prompt, "workflow"), "workflow");
}

}  // namespace lightning
