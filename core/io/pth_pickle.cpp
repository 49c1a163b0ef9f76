#include "core/io/pth_pickle.h"

#include "core/util/error.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <unordered_map>

namespace lightning {
namespace {

constexpr size_t kMaxStack = size_t{1} << 20;
constexpr int kMaxDepth = 32;

uint64_t little(const unsigned char* p, int bytes) {
    uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | p[i];
    return v;
}

// --------------------------------------------------------------------------------------------
// The zip container. torch.save stores every record uncompressed, so a record is a slice of
// the file: each is checked to lie inside it before it is used.

class StoredZip {
public:
    StoredZip(std::string path, std::span<const uint8_t> bytes)
        : path_(std::move(path)), bytes_(bytes) {
        read_directory();
    }

    bool has(const std::string& name) const { return records_.count(name) != 0; }

    // (offset in the file, size) of a record.
    std::pair<uint64_t, uint64_t> range(const std::string& name) const {
        auto it = records_.find(name);
        if (it == records_.end()) throw Error(path_, "the archive has no record '" + name + "'");
        return it->second;
    }
    std::string text(const std::string& name) const {
        const auto [offset, size] = range(name);
        return std::string(reinterpret_cast<const char*>(bytes_.data() + offset), size);
    }
    std::span<const uint8_t> bytes(const std::string& name) const {
        const auto [offset, size] = range(name);
        return bytes_.subspan(offset, size);
    }

    // The folder every record lies in (torch.save names it after the file).
    const std::string& top() const { return top_; }

private:
    [[noreturn]] void bad(const std::string& why) const {
        throw Error(path_, "not a torch.save .pth archive: " + why);
    }

    void read_directory() {
        const size_t n = bytes_.size();
        if (n < 22) bad("too short for a zip archive");
        size_t eocd = n - 22;
        const size_t floor = n > 22 + 65535 ? n - 22 - 65535 : 0;
        while (little(&bytes_[eocd], 4) != 0x06054b50) {
            if (eocd == floor) bad("no zip end-of-directory record (the file is cut short?)");
            --eocd;
        }
        const unsigned char* e = &bytes_[eocd];
        const uint64_t count = little(e + 10, 2), size = little(e + 12, 4),
                       offset = little(e + 16, 4);
        if (count == 0xFFFF || size == 0xFFFFFFFF || offset == 0xFFFFFFFF)
            bad("a zip64 directory (archives over 4 GB are not read)");
        if (offset + size > eocd) bad("the zip directory lies outside the file");
        size_t at = offset;
        for (uint64_t i = 0; i < count; ++i) at = read_entry(at, offset + size);
        if (records_.empty()) bad("an empty zip archive");
    }

    // One central-directory entry at `at`; returns where the next one starts.
    size_t read_entry(size_t at, size_t end) {
        if (at + 46 > end || little(&bytes_[at], 4) != 0x02014b50) bad("a broken zip directory");
        const unsigned char* h = &bytes_[at];
        const uint64_t method = little(h + 10, 2), packed = little(h + 20, 4),
                       unpacked = little(h + 24, 4), name_len = little(h + 28, 2),
                       extra_len = little(h + 30, 2), comment_len = little(h + 32, 2),
                       local = little(h + 42, 4);
        if (at + 46 + name_len > end) bad("a broken zip directory");
        std::string name(reinterpret_cast<const char*>(h + 46), name_len);
        if (method != 0 || packed != unpacked)
            bad("record '" + name + "' is compressed (torch.save stores records as they are)");
        if (local + 30 > bytes_.size() || little(&bytes_[local], 4) != 0x04034b50)
            bad("record '" + name + "' has no local header inside the file");
        const uint64_t data =
            local + 30 + little(&bytes_[local + 26], 2) + little(&bytes_[local + 28], 2);
        if (data + unpacked > bytes_.size()) bad("record '" + name + "' runs past the end");
        const auto slash = name.find('/');
        if (slash == std::string::npos) bad("record '" + name + "' is in no folder");
        if (top_.empty()) top_ = name.substr(0, slash);
        records_[name] = {data, unpacked};
        return at + 46 + name_len + extra_len + comment_len;
    }

    std::string path_;
    std::span<const uint8_t> bytes_;
    std::map<std::string, std::pair<uint64_t, uint64_t>> records_;  // name -> (offset, size)
    std::string top_;
};

// --------------------------------------------------------------------------------------------
// The pickle machine.

enum class Kind { None, Bool, Int, Float, String, Tuple, List, Dict, Tensor, Global, Storage };
enum class Callable { OrderedDict, RebuildTensor, RebuildParameter, StorageType };

struct Value;
using Ref = std::shared_ptr<Value>;

struct Value {
    Kind kind = Kind::None;
    int64_t i = 0;  // Int, Bool
    double f = 0;
    std::string s;                             // String; Global: "module.name"
    std::vector<Ref> items;                    // Tuple, List
    std::vector<std::pair<Ref, Ref>> entries;  // Dict
    PthTensor tensor;                          // Tensor
    Callable callable = Callable::OrderedDict;
    StDType dtype = StDType::F32;  // StorageType, Storage (s = its key, i = its numel)
};

Ref make(Kind kind) {
    auto v = std::make_shared<Value>();
    v->kind = kind;
    return v;
}

const std::map<std::string, StDType>& storage_types() {
    static const std::map<std::string, StDType> types = {
        {"torch.DoubleStorage", StDType::F64}, {"torch.FloatStorage", StDType::F32},
        {"torch.HalfStorage", StDType::F16},   {"torch.BFloat16Storage", StDType::BF16},
        {"torch.LongStorage", StDType::I64},   {"torch.IntStorage", StDType::I32},
        {"torch.ShortStorage", StDType::I16},  {"torch.CharStorage", StDType::I8},
        {"torch.ByteStorage", StDType::U8},    {"torch.BoolStorage", StDType::BOOL}};
    return types;
}

class Machine {
public:
    Machine(std::string path, const StoredZip& zip, std::span<const uint8_t> pickle,
            std::map<std::string, PthStorage>& storages)
        : path_(std::move(path)),
          zip_(zip),
          p_(pickle.data()),
          end_(pickle.data() + pickle.size()),
          storages_(storages) {}

    Ref run() {
        while (p_ < end_) {
            const unsigned char op = *p_++;
            if (op == '.') {
                if (stack_.size() != 1) refuse("the pickle ends with an unbalanced stack");
                return stack_.back();
            }
            step(op);
            if (stack_.size() > kMaxStack) refuse("the pickle's stack grows too deep");
        }
        refuse("the pickle ends without STOP (the file is cut short?)");
    }

private:
    [[noreturn]] void refuse(const std::string& why) const {
        throw Error(path_, "not a plain state dict .pth: " + why);
    }

    const unsigned char* take(size_t n) {
        if (static_cast<size_t>(end_ - p_) < n) refuse("the pickle is cut short");
        const unsigned char* at = p_;
        p_ += n;
        return at;
    }
    uint64_t read_le(int n) { return little(take(n), n); }
    std::string read_string(size_t n) {
        const auto* at = take(n);
        return std::string(reinterpret_cast<const char*>(at), n);
    }
    std::string read_line() {
        std::string line;
        while (true) {
            const char c = static_cast<char>(*take(1));
            if (c == '\n') return line;
            if (line.size() > 200) refuse("a GLOBAL name is too long");
            line += c;
        }
    }

    Ref pop() {
        if (stack_.empty() || (!marks_.empty() && stack_.size() <= marks_.back()))
            refuse("the pickle pops from an empty stack");
        Ref v = stack_.back();
        stack_.pop_back();
        return v;
    }
    Ref& top() {
        if (stack_.empty()) refuse("the pickle reads an empty stack");
        return stack_.back();
    }
    std::vector<Ref> pop_to_mark() {
        if (marks_.empty()) refuse("the pickle has no MARK where one is needed");
        std::vector<Ref> items(stack_.begin() + marks_.back(), stack_.end());
        stack_.resize(marks_.back());
        marks_.pop_back();
        return items;
    }
    void push(Ref v) { stack_.push_back(std::move(v)); }
    void push_int(int64_t i, Kind kind = Kind::Int) {
        auto v = make(kind);
        v->i = i;
        push(v);
    }
    void push_string(std::string s) {
        auto v = make(Kind::String);
        v->s = std::move(s);
        push(v);
    }
    void push_tuple(std::vector<Ref> items) {
        auto v = make(Kind::Tuple);
        v->items = std::move(items);
        push(v);
    }
    void memo_put(uint64_t key) { memo_[key] = top(); }
    void memo_get(uint64_t key) {
        auto it = memo_.find(key);
        if (it == memo_.end()) refuse("the pickle reads a memo entry it never wrote");
        push(it->second);
    }

    void step(unsigned char op);
    void step_data(unsigned char op);
    void global(const std::string& module, const std::string& name);
    void reduce();
    void build();
    void persistent_load();
    void set_items(const std::vector<Ref>& items);
    Ref rebuild_tensor(const std::vector<Ref>& args);

    std::string path_;
    const StoredZip& zip_;
    const unsigned char* p_;
    const unsigned char* end_;
    std::vector<Ref> stack_;
    std::vector<size_t> marks_;
    std::unordered_map<uint64_t, Ref> memo_;
    std::map<std::string, PthStorage>& storages_;
};

void Machine::step(unsigned char op) {
    switch (op) {
        case 0x80:
            take(1);
            break;  // PROTO
        case 0x95:
            take(8);
            break;  // FRAME
        case '(':
            marks_.push_back(stack_.size());
            break;
        case ')':
            push(make(Kind::Tuple));
            break;
        case ']':
            push(make(Kind::List));
            break;
        case '}':
            push(make(Kind::Dict));
            break;
        case 't':
            push_tuple(pop_to_mark());
            break;
        case 0x85:
        case 0x86:
        case 0x87: {  // TUPLE1..3
            std::vector<Ref> items(op - 0x84);
            for (auto it = items.rbegin(); it != items.rend(); ++it) *it = pop();
            push_tuple(std::move(items));
            break;
        }
        case 'q':
            memo_put(read_le(1));
            break;
        case 'r':
            memo_put(read_le(4));
            break;
        case 0x94:
            memo_put(memo_.size());
            break;  // MEMOIZE
        case 'h':
            memo_get(read_le(1));
            break;
        case 'j':
            memo_get(read_le(4));
            break;
        case 'c': {
            const std::string module = read_line();
            global(module, read_line());
            break;
        }
        case 0x93: {  // STACK_GLOBAL
            const Ref name = pop(), module = pop();
            if (name->kind != Kind::String || module->kind != Kind::String)
                refuse("STACK_GLOBAL without two names");
            global(module->s, name->s);
            break;
        }
        case 'R':
        case 0x81:
            reduce();
            break;  // REDUCE, NEWOBJ
        case 'b':
            build();
            break;
        case 'Q':
            persistent_load();
            break;
        case 's': {
            const Ref value = pop(), key = pop();
            set_items({key, value});
            break;
        }
        case 'u':
            set_items(pop_to_mark());
            break;
        case 'a': {
            const Ref value = pop();
            if (top()->kind != Kind::List) refuse("APPEND to something that is no list");
            top()->items.push_back(value);
            break;
        }
        case 'e': {
            auto items = pop_to_mark();
            if (top()->kind != Kind::List) refuse("APPENDS to something that is no list");
            for (auto& item : items) top()->items.push_back(item);
            break;
        }
        default:
            step_data(op);
    }
}

// The opcodes that push plain values.
void Machine::step_data(unsigned char op) {
    switch (op) {
        case 'N':
            push(make(Kind::None));
            break;
        case 0x88:
            push_int(1, Kind::Bool);
            break;
        case 0x89:
            push_int(0, Kind::Bool);
            break;
        case 'K':
            push_int(static_cast<int64_t>(read_le(1)));
            break;
        case 'M':
            push_int(static_cast<int64_t>(read_le(2)));
            break;
        case 'J':
            push_int(static_cast<int32_t>(read_le(4)));
            break;
        case 0x8a: {  // LONG1: little-endian two's complement of n bytes
            const size_t n = read_le(1);
            if (n > 8) refuse("an integer wider than 64 bits");
            uint64_t v = n ? read_le(static_cast<int>(n)) : 0;
            if (n && n < 8 && (v >> (8 * n - 1)) & 1) v |= ~uint64_t{0} << (8 * n);
            push_int(static_cast<int64_t>(v));
            break;
        }
        case 'G': {  // BINFLOAT, big-endian
            uint64_t bits = 0;
            for (const unsigned char *b = take(8), *e = b + 8; b < e; ++b) bits = bits << 8 | *b;
            auto v = make(Kind::Float);
            std::memcpy(&v->f, &bits, 8);
            push(v);
            break;
        }
        case 'X':
            push_string(read_string(read_le(4)));
            break;  // BINUNICODE
        case 0x8c:
            push_string(read_string(read_le(1)));
            break;  // SHORT_BINUNICODE
        case 0x8d:
            push_string(read_string(read_le(8)));
            break;  // BINUNICODE8
        case 'U':
            push_string(read_string(read_le(1)));
            break;  // SHORT_BINSTRING
        case 'T':
            push_string(read_string(read_le(4)));
            break;  // BINSTRING
        case 'C':
            push_string(read_string(read_le(1)));
            break;  // SHORT_BINBYTES
        case 'B':
            push_string(read_string(read_le(4)));
            break;  // BINBYTES
        default: {
            char hex[8];
            std::snprintf(hex, sizeof hex, "0x%02x", op);
            refuse(std::string("pickle opcode ") + hex +
                   " is not one torch.save writes for tensors");
        }
    }
}

// Only what a state dict needs; anything else could run code in Python and is refused here.
void Machine::global(const std::string& module, const std::string& name) {
    const std::string full = module + "." + name;
    auto v = make(Kind::Global);
    v->s = full;
    if (full == "collections.OrderedDict" || full == "typing.OrderedDict") {
        v->callable = Callable::OrderedDict;
    } else if (full == "torch._utils._rebuild_tensor_v2") {
        v->callable = Callable::RebuildTensor;
    } else if (full == "torch._utils._rebuild_parameter") {
        v->callable = Callable::RebuildParameter;
    } else if (auto it = storage_types().find(full); it != storage_types().end()) {
        v->callable = Callable::StorageType;
        v->dtype = it->second;
    } else {
        std::string shown = full.size() <= 80 ? full : full.substr(0, 80) + "...";
        for (char& c : shown)
            if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f)
                c = '?';
        refuse("it refers to the Python object '" + shown +
               "', which a file of tensors does not need (loading it in Python could run code); "
               "only dicts of tensors are read");
    }
    push(v);
}

void Machine::reduce() {
    const Ref args = pop(), callable = pop();
    if (callable->kind != Kind::Global || args->kind != Kind::Tuple)
        refuse("REDUCE of something that is no allowed function");
    switch (callable->callable) {
        case Callable::OrderedDict:
            if (!args->items.empty()) refuse("OrderedDict built from arguments");
            push(make(Kind::Dict));
            return;
        case Callable::RebuildTensor:
            push(rebuild_tensor(args->items));
            return;
        case Callable::RebuildParameter:
            if (args->items.empty() || args->items[0]->kind != Kind::Tensor)
                refuse("_rebuild_parameter without a tensor");
            push(args->items[0]);
            return;
        case Callable::StorageType:
            refuse("a storage type called as a function");
    }
}

// BUILD sets an object's state: OrderedDicts from state_dict() carry `_metadata` (module
// versions), which is not needed and is dropped.
void Machine::build() {
    const Ref state = pop();
    if (top()->kind != Kind::Dict || (state->kind != Kind::Dict && state->kind != Kind::None))
        refuse("BUILD of something other than a dict's attributes");
}

void Machine::persistent_load() {
    const Ref id = pop();
    const auto& f = id->items;
    if (id->kind != Kind::Tuple || f.size() != 5 || f[0]->kind != Kind::String ||
        f[0]->s != "storage" || f[1]->kind != Kind::Global ||
        f[1]->callable != Callable::StorageType || f[2]->kind != Kind::String ||
        f[4]->kind != Kind::Int)
        refuse("a persistent id that is no ('storage', type, key, location, size)");
    const std::string& key = f[2]->s;
    const int64_t numel = f[4]->i;
    const auto element = static_cast<int64_t>(item_size(f[1]->dtype));
    auto it = storages_.find(key);
    if (it == storages_.end()) {
        const auto [offset, size] = zip_.range(zip_.top() + "/data/" + key);
        if (numel < 0 || static_cast<uint64_t>(numel) > size / element)
            refuse("storage '" + key + "' holds fewer bytes than its " + std::to_string(numel) +
                   " elements need");
        it = storages_.emplace(key, PthStorage{f[1]->dtype, offset, numel}).first;
    } else if (it->second.dtype != f[1]->dtype || it->second.numel != numel) {
        refuse("storage '" + key + "' is used with two types or sizes");
    }
    auto v = make(Kind::Storage);
    v->s = key;
    v->dtype = it->second.dtype;
    v->i = it->second.numel;
    push(v);
}

std::vector<int64_t> int_tuple(const Ref& v, const char* what, const std::string& path) {
    if (v->kind != Kind::Tuple)
        throw Error(path, std::string("not a plain state dict .pth: ") + what);
    std::vector<int64_t> out;
    for (const auto& item : v->items) {
        if (item->kind != Kind::Int || item->i < 0)
            throw Error(path, std::string("not a plain state dict .pth: ") + what);
        out.push_back(item->i);
    }
    return out;
}

// torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, meta]):
// a view of the storage, checked to lie inside it.
Ref Machine::rebuild_tensor(const std::vector<Ref>& args) {
    if (args.size() < 4 || args[0]->kind != Kind::Storage || args[1]->kind != Kind::Int ||
        args[1]->i < 0)
        refuse("_rebuild_tensor_v2 without a storage and an offset");
    const auto size = int_tuple(args[2], "a tensor size that is no tuple of counts", path_);
    const auto stride = int_tuple(args[3], "a tensor stride that is no tuple of counts", path_);
    if (size.size() != stride.size()) refuse("a tensor whose size and stride differ in length");
    const int64_t numel = args[0]->i;
    const bool empty = std::find(size.begin(), size.end(), 0) != size.end();
    // The last element's index, summed with an early stop (terms are non-negative, so no sum
    // past the storage can wrap around).
    int64_t last = args[1]->i;
    for (size_t d = 0; d < size.size() && !empty; ++d) {
        if (size[d] > numel || stride[d] > numel) refuse("a tensor larger than its storage");
        last += (size[d] - 1) * stride[d];
        if (last >= numel) refuse("a tensor that reaches past the end of its storage");
    }
    if (!empty && last >= numel) refuse("a tensor that reaches past the end of its storage");
    auto v = make(Kind::Tensor);
    v->tensor = {"", args[0]->s, args[0]->dtype, size, stride, args[1]->i};
    return v;
}

void Machine::set_items(const std::vector<Ref>& items) {
    if (items.size() % 2) refuse("SETITEMS with an odd number of values");
    Ref dict = top();
    if (dict->kind != Kind::Dict) refuse("SETITEM on something that is no dict");
    for (size_t i = 0; i < items.size(); i += 2) dict->entries.emplace_back(items[i], items[i + 1]);
}

// --------------------------------------------------------------------------------------------

void flatten(const Ref& dict, const std::string& prefix, int depth, const std::string& path,
             std::vector<PthTensor>& out) {
    if (depth > kMaxDepth) throw Error(path, "not a plain state dict .pth: dicts nested too deep");
    for (const auto& [key, value] : dict->entries) {
        if (key->kind != Kind::String) continue;  // e.g. an optimizer's integer-keyed state
        const std::string name = prefix + key->s;
        if (value->kind == Kind::Tensor) {
            out.push_back(value->tensor);
            out.back().name = name;
        }
        if (value->kind == Kind::Dict) flatten(value, name + ".", depth + 1, path, out);
    }
}

}  // namespace

PthContents parse_pth(std::span<const uint8_t> file, const std::string& path) {
    if (file.size() >= 2 && file[0] == 0x80 && file[1] <= 5)
        throw Error(path,
                    "a .pth in PyTorch's legacy format (torch before 1.6), which this reader does "
                    "not read; re-save it with a current torch.save or convert it to .safetensors");
    if (file.size() < 4 || little(file.data(), 4) != 0x04034b50)
        throw Error(path, "not a PyTorch .pth file (no zip archive as torch.save writes)");
    const StoredZip zip(path, file);
    if (zip.has(zip.top() + "/constants.pkl") || zip.has(zip.top() + "/code/__torch__.py"))
        throw Error(path, "a TorchScript archive, not a saved state dict");
    if (zip.has(zip.top() + "/byteorder") && zip.text(zip.top() + "/byteorder") != "little")
        throw Error(path, "tensors stored big-endian are not read");
    PthContents contents;
    const Ref root =
        Machine(path, zip, zip.bytes(zip.top() + "/data.pkl"), contents.storages).run();
    if (root->kind != Kind::Dict)
        throw Error(path, "not a plain state dict .pth: the saved object is no dict");
    flatten(root, "", 0, path, contents.tensors);
    if (contents.tensors.empty()) throw Error(path, "holds no tensors (not a model's weights)");
    return contents;
}

}  // namespace lightning
