// Failures from the libraries under the models (libtorch, oneDNN, cuDNN, the allocator) reach
// callers as lightning::Error like every other failure, naming the stage that failed, so the
// app reports them and keeps running. Without this, an exception of a library's own type (oneDNN
// throws dnnl::error, derived from std::exception only) passed every `catch (const Error&)`.
#pragma once

namespace lightning {

// Call inside a catch block: rethrows the exception in flight as lightning::Error (where: message).
// lightning::Error and Cancelled pass through unchanged. c10::Error keeps torch's first line;
// out of memory (device or host) becomes one message that says what to change, and the
// allocator's cached device blocks go back to the driver so a smaller request can run.
[[noreturn]] void rethrow_as_lightning_error(const char* where);

template <typename F>
auto with_lightning_errors(const char* where, F&& f) -> decltype(f()) {
    try {
        return f();
    } catch (...) {
        rethrow_as_lightning_error(where);
    }
}

}  // namespace lightning
