// The request's enumerations and their names: one table per enum, from which to_string() and
// the parsers come, so the CLI, the `parameters` codec, request JSON, the app's settings and the
// diffusers configs spell each value the same way. No torch, no Qt.
#pragma once
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace lightning {

enum class Precision { FP32, FP16, BF16 };
enum class PreviewMode { Off, Reduced, Full };
// Tiled VAE decode as diffusers' enable_tiling(); Auto: when an untiled decode would not fit the
// device's free memory (core/models/vae_tiling.h).
enum class VaeTiling { Auto, On, Off };
// How prompt text is read (core/request/prompt_syntax.h).
enum class PromptSyntax { None, Compel, A1111 };
// diffusers' scheduler settings (scheduler_config.json).
enum class TimestepSpacing { Leading, Trailing, Linspace };
enum class PredictionType { Epsilon, Sample, VPrediction };
// How an input image of another size than the request's is fitted (diffusers' VaeImageProcessor
// resize modes "default", "crop" and "fill"): stretched to the size; scaled to cover it and
// centre-cropped; scaled to fit inside it and the rest filled from the image's edges.
enum class ImageFit { Resize, Crop, Pad };

// How the hires fix enlarges a first-pass image before refining it (A1111's "Hires upscaler"):
// its latents interpolated bilinearly ("Latent") or to the nearest ("Latent (nearest)"), or its
// decoded pixels resized with Lanczos, or enlarged by an ESRGAN-family model file
// (HiresFix::upscaler_model) and resized down with Lanczos to the pass's size, then encoded again.
enum class HiresUpscaler { Latent, LatentNearest, Lanczos, Model };

// Each enum's names and the setting they are errors about; specialised below.
template <class E>
struct EnumNames;

#define LIGHTNING_ENUM_NAMES(E, FIELD, ...)                                      \
    template <>                                                                  \
    struct EnumNames<E> {                                                        \
        static constexpr const char* field = FIELD;                              \
        static constexpr std::pair<E, std::string_view> table[] = {__VA_ARGS__}; \
    };

LIGHTNING_ENUM_NAMES(Precision, "precision", {Precision::FP32, "fp32"}, {Precision::FP16, "fp16"},
                     {Precision::BF16, "bf16"})
LIGHTNING_ENUM_NAMES(PreviewMode, "preview", {PreviewMode::Off, "off"},
                     {PreviewMode::Reduced, "reduced"}, {PreviewMode::Full, "full"})
LIGHTNING_ENUM_NAMES(VaeTiling, "vae tiling", {VaeTiling::Auto, "auto"}, {VaeTiling::On, "on"},
                     {VaeTiling::Off, "off"})
LIGHTNING_ENUM_NAMES(PromptSyntax, "prompt syntax", {PromptSyntax::None, "none"},
                     {PromptSyntax::Compel, "compel"}, {PromptSyntax::A1111, "a1111"})
LIGHTNING_ENUM_NAMES(TimestepSpacing, "timestep_spacing", {TimestepSpacing::Leading, "leading"},
                     {TimestepSpacing::Trailing, "trailing"},
                     {TimestepSpacing::Linspace, "linspace"})
LIGHTNING_ENUM_NAMES(PredictionType, "prediction_type", {PredictionType::Epsilon, "epsilon"},
                     {PredictionType::Sample, "sample"},
                     {PredictionType::VPrediction, "v_prediction"})
LIGHTNING_ENUM_NAMES(ImageFit, "fit", {ImageFit::Resize, "resize"}, {ImageFit::Crop, "crop"},
                     {ImageFit::Pad, "pad"})
LIGHTNING_ENUM_NAMES(HiresUpscaler, "hires upscaler", {HiresUpscaler::Latent, "latent"},
                     {HiresUpscaler::LatentNearest, "latent-nearest"},
                     {HiresUpscaler::Lanczos, "lanczos"}, {HiresUpscaler::Model, "model"})
#undef LIGHTNING_ENUM_NAMES

template <class E>
const char* to_string(E value) requires requires {
    EnumNames<E>::table;
}
{
    for (const auto& [v, name] : EnumNames<E>::table)
        if (v == value) return name.data();  // the table's literals are NUL-terminated
    return "?";
}

template <class E>
std::optional<E> enum_from_name(std::string_view text) {
    for (const auto& [v, name] : EnumNames<E>::table)
        if (name == text) return v;
    return std::nullopt;
}

// "a, b or c": an enum's names for messages and help.
std::string names_or(const std::string_view* names, size_t count);
template <class E>
std::string enum_names() {
    std::array<std::string_view, std::size(EnumNames<E>::table)> names;
    for (size_t i = 0; i < names.size(); ++i) names[i] = EnumNames<E>::table[i].second;
    return names_or(names.data(), names.size());
}

// Throws lightning::Error(field, "'text' is not a, b or c"); the field defaults to the enum's.
[[noreturn]] void throw_unknown_name(const char* field, const std::string& text,
                                     const std::string& names);
template <class E>
E parse_enum(const std::string& text, const char* field = EnumNames<E>::field) {
    if (auto value = enum_from_name<E>(text)) return *value;
    throw_unknown_name(field, text, enum_names<E>());
}

inline Precision parse_precision(const std::string& text) {
    return parse_enum<Precision>(text);
}
inline PreviewMode parse_preview_mode(const std::string& text) {
    return parse_enum<PreviewMode>(text);
}
inline VaeTiling parse_vae_tiling(const std::string& text) {
    return parse_enum<VaeTiling>(text);
}
inline PromptSyntax parse_prompt_syntax(const std::string& text) {
    return parse_enum<PromptSyntax>(text);
}
inline PredictionType parse_prediction_type(const std::string& text) {
    return parse_enum<PredictionType>(text);
}
inline TimestepSpacing parse_timestep_spacing(const std::string& text) {
    return parse_enum<TimestepSpacing>(text);
}

}  // namespace lightning
