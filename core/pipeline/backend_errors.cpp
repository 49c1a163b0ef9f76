#include "core/pipeline/backend_errors.h"

#include "core/util/devices.h"
#include "core/util/error.h"

#include <c10/util/Exception.h>

#include <new>
#include <string>

namespace lightning {
namespace {

std::string first_line(std::string message) {
    if (const auto nl = message.find('\n'); nl != std::string::npos) message.resize(nl);
    return message;
}

[[noreturn]] void throw_out_of_device_memory(const std::string& message) {
    release_cached_device_memory();
    throw Error("out of GPU memory",
                "this request does not fit on the device; use a smaller size or batch, turn VAE "
                "tiling on, or close other programs using the GPU (" +
                    message.substr(0, 160) + ")");
}

// oneDNN refuses work its CPU has no kernel for (e.g. bf16 when DNNL_MAX_CPU_ISA caps it below
// AVX-512) with "could not create a primitive ...": libtorch's own kernels can still do it.
std::string library_message(const std::string& what) {
    std::string message = "a library failed: " + first_line(what);
    if (what.find("primitive") != std::string::npos)
        message +=
            " (oneDNN has no kernel for this on this CPU; LIGHTNING_MKLDNN=0 makes "
            "libtorch use its own)";
    return message;
}

}  // namespace

void rethrow_as_lightning_error(const char* where) {
    try {
        throw;
    } catch (const Error&) {
        throw;
    } catch (const Cancelled&) {
        throw;
    } catch (const c10::Error& e) {
        const std::string message = first_line(e.what_without_backtrace());
        if (message.find("out of memory") != std::string::npos) throw_out_of_device_memory(message);
        throw Error(where, message);
    } catch (const std::bad_alloc&) {
        throw Error("out of memory",
                    "the computer ran out of memory; use a smaller size or batch, or close other "
                    "programs");
    } catch (const std::exception& e) {
        throw Error(where, library_message(e.what()));
    } catch (...) {
        throw Error(where, "a library failed with an exception of unknown type");
    }
}

}  // namespace lightning
