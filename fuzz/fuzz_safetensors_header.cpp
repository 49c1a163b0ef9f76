// The safetensors header parser on arbitrary file bytes: it must either throw lightning::Error
// or return a header whose every tensor lies inside the file with the size its shape implies.
#include "core/io/safetensors_header.h"
#include "core/util/error.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    lightning::SafeTensorsHeader header;
    try {
        header = lightning::parse_safetensors_header({data, size}, "fuzz.safetensors");
    } catch (const lightning::Error&) {
        return 0;
    }
    fuzz::require(header.data_start >= 8 && header.data_start <= size, "data_start in file");
    const uint64_t data_size = size - header.data_start;
    for (size_t i = 0; i < header.infos.size(); ++i) {
        const auto& info = header.infos[i];
        fuzz::require(info.begin <= info.end && info.end <= data_size, "range inside data");
        uint64_t bytes = lightning::item_size(info.dtype);
        for (int64_t dim : info.shape) {
            fuzz::require(dim >= 0, "non-negative dim");
            bytes *= uint64_t(dim);  // exact: the parser refused shapes beyond 2^64 bytes
        }
        fuzz::require(bytes == info.end - info.begin, "shape matches byte range");
        fuzz::require(i == 0 || header.infos[i - 1].name < info.name, "sorted, unique names");
    }
    return 0;
}
