#include "core/engine/request.h"

#include "core/util/error.h"

namespace lightning {

const char* to_string(Precision precision) {
    switch (precision) {
        case Precision::FP32:
            return "fp32";
        case Precision::FP16:
            return "fp16";
        case Precision::BF16:
            return "bf16";
    }
    return "?";
}

Precision parse_precision(const std::string& text) {
    if (text == "fp32") return Precision::FP32;
    if (text == "fp16") return Precision::FP16;
    if (text == "bf16") return Precision::BF16;
    throw Error("precision", "'" + text + "' is not fp32, fp16 or bf16");
}

const char* to_string(PreviewMode mode) {
    switch (mode) {
        case PreviewMode::Off:
            return "off";
        case PreviewMode::Full:
            return "full";
        case PreviewMode::Reduced:
            break;
    }
    return "reduced";
}

PreviewMode parse_preview_mode(const std::string& text) {
    if (text == "off") return PreviewMode::Off;
    if (text == "reduced") return PreviewMode::Reduced;
    if (text == "full") return PreviewMode::Full;
    throw Error("preview", "'" + text + "' is not off, reduced or full");
}

const char* to_string(VaeTiling tiling) {
    switch (tiling) {
        case VaeTiling::Auto:
            return "auto";
        case VaeTiling::On:
            return "on";
        case VaeTiling::Off:
            return "off";
    }
    return "?";
}

VaeTiling parse_vae_tiling(const std::string& text) {
    if (text == "auto") return VaeTiling::Auto;
    if (text == "on") return VaeTiling::On;
    if (text == "off") return VaeTiling::Off;
    throw Error("vae tiling", "'" + text + "' is not auto, on or off");
}

GenerationRequest GenerationRequest::single_image(int index) const {
    GenerationRequest one = *this;
    one.batch = 1;
    one.seed = seed + uint64_t(index);
    return one;
}

}  // namespace lightning
