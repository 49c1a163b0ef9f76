// The parameters of one generated image, and their A1111-style text form (the PNG `parameters`
// chunk), which Lightning Studio writes and reads, and which other tools read too.
#pragma once
#include <QMap>
#include <QString>

#include <cstdint>
#include <optional>

namespace lightning::ui {

struct GenerationParams {
    QString prompt;
    std::optional<QString> negative_prompt;  // nullopt: no negative prompt (zero embeddings)
    int steps = 4;
    double guidance = 0.0;  // CFG only when > 1
    int width = 1024;
    int height = 1024;
    uint64_t seed = 0;
    QString model;  // checkpoint name, e.g. "sdxl_lightning_4step_unet"
    QString sampler = QStringLiteral("Euler");
    QString schedule = QStringLiteral("trailing");
    // Keys of a foreign parameters string this app does not use ("Model hash", "VAE", ...),
    // kept so a reused string loses nothing it could show.
    QMap<QString, QString> extra;

    bool operator==(const GenerationParams& other) const;
};

// "<prompt>\nNegative prompt: <neg>\nSteps: N, Sampler: Euler, Schedule type: trailing,
//  CFG scale: G, Seed: S, Size: WxH, Model: NAME". The negative line is left out when there is
// no negative prompt, as A1111 does.
QString format_parameters(const GenerationParams& params);

// Parses the text form written by this app, A1111, Forge, ComfyUI's A1111 exporters, InvokeAI's
// A1111 mode and the like: multi-line prompts and negatives, quoted values with commas, unknown
// keys, missing keys (defaults are kept). Returns nullopt when the text has no settings line
// ("Steps: ..."), i.e. is not a parameters string at all.
std::optional<GenerationParams> parse_parameters(const QString& text);

// A1111's CFG number style: "7", "1.5", "0".
QString format_number(double value);

}  // namespace lightning::ui
