// diffusers / transformers config readers: tiny-sdxl and real SDXL values, and clear errors for
// malformed or unsupported configs.
#include "core/io/config.h"
#include "core/util/error.h"
#include "support/errors.h"
#include "support/fixtures.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

using lightning::Error;
using lightning::testing::expect_error;

namespace {

std::string tiny(const std::string& rel) {
    return lightning::testing::fixtures_dir() + "/tiny-sdxl/" + rel;
}
std::string base(const std::string& rel) {
    return lightning::testing::configs_dir() + "/sdxl-base/" + rel;
}

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// Replaces `from` (which must occur exactly once) in `text`.
std::string replace_once(std::string text, const std::string& from, const std::string& to) {
    const auto pos = text.find(from);
    if (pos == std::string::npos || text.find(from, pos + 1) != std::string::npos)
        qFatal("replace_once: '%s' not found exactly once", from.c_str());
    return text.replace(pos, from.size(), to);
}

}  // namespace

class TestConfig : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void tinyUnet();
    void sdxlBaseUnet();
    void numAttentionHeadsTakesPrecedence();
    void intBroadcastsPerLevel();
    void vaeConfigs();
    void textEncoders();
    void schedulers();
    void pipelineIndex();
    void malformedUnet_data();
    void malformedUnet();
    void malformedOthers();
    void deeplyNestedJsonIsRefused();
    void errorsNeverQuoteTheFilesText();
    void unreadableConfigsSayWhy();
    void predictionTypeNames();

private:
    std::string write_variant(const std::string& name, const std::string& text) {
        const std::string path = dir_.filePath(QString::fromStdString(name)).toStdString();
        std::ofstream(path) << text;
        return path;
    }
    QTemporaryDir dir_;
};

void TestConfig::tinyUnet() {
    const auto c = lightning::read_unet_config(tiny("unet/config.json"));
    QCOMPARE(c.in_channels, 4);
    QCOMPARE(c.out_channels, 4);
    QCOMPARE(c.block_out_channels, (std::vector<int>{16, 32, 48}));
    QCOMPARE(c.down_block_types, (std::vector<std::string>{"DownBlock2D", "CrossAttnDownBlock2D",
                                                           "CrossAttnDownBlock2D"}));
    QCOMPARE(c.up_block_types,
             (std::vector<std::string>{"CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"}));
    QCOMPARE(c.mid_block_type, std::string("UNetMidBlock2DCrossAttn"));
    QCOMPARE(c.layers_per_block, 2);
    QCOMPARE(c.num_heads, (std::vector<int>{2, 4, 8}));
    QCOMPARE(c.transformer_layers_per_block, (std::vector<int>{1, 2, 3}));
    QCOMPARE(c.cross_attention_dim, 80);
    QCOMPARE(c.norm_num_groups, 8);
    QCOMPARE(c.norm_eps, 1e-5);
    QCOMPARE(c.flip_sin_to_cos, true);
    QCOMPARE(c.freq_shift, 0.0);
    QCOMPARE(c.addition_embed_type, std::string("text_time"));
    QCOMPARE(c.addition_time_embed_dim, 8);
    QCOMPARE(c.projection_class_embeddings_input_dim, 96);
    QCOMPARE(c.use_linear_projection, true);
    QCOMPARE(c.upcast_attention, false);  // null in the file
    QCOMPARE(c.sample_size, 16);
    QCOMPARE(c.conv_in_kernel, 3);
    QCOMPARE(c.conv_out_kernel, 3);
    QCOMPARE(c.downsample_padding, 1);
}

void TestConfig::sdxlBaseUnet() {
    const auto c = lightning::read_unet_config(base("unet/config.json"));
    QCOMPARE(c.block_out_channels, (std::vector<int>{320, 640, 1280}));
    QCOMPARE(c.num_heads, (std::vector<int>{5, 10, 20}));
    QCOMPARE(c.transformer_layers_per_block, (std::vector<int>{1, 2, 10}));
    QCOMPARE(c.cross_attention_dim, 2048);
    QCOMPARE(c.norm_num_groups, 32);
    QCOMPARE(c.addition_time_embed_dim, 256);
    QCOMPARE(c.projection_class_embeddings_input_dim, 2816);
    QCOMPARE(c.sample_size, 128);
}

void TestConfig::numAttentionHeadsTakesPrecedence() {
    const std::string text =
        replace_once(read_text(tiny("unet/config.json")), R"("num_attention_heads": null)",
                     R"("num_attention_heads": [1, 2, 3])");
    const auto c = lightning::read_unet_config(write_variant("heads.json", text));
    QCOMPARE(c.num_heads, (std::vector<int>{1, 2, 3}));
}

void TestConfig::intBroadcastsPerLevel() {
    std::string text = read_text(tiny("unet/config.json"));
    text = replace_once(text, R"("attention_head_dim": [2, 4, 8])", R"("attention_head_dim": 8)");
    text = replace_once(text, R"("transformer_layers_per_block": [1, 2, 3])",
                        R"("transformer_layers_per_block": 2)");
    const auto c = lightning::read_unet_config(write_variant("ints.json", text));
    QCOMPARE(c.num_heads, (std::vector<int>{8, 8, 8}));
    QCOMPARE(c.transformer_layers_per_block, (std::vector<int>{2, 2, 2}));

    // Absent transformer_layers_per_block: diffusers' default 1.
    text = replace_once(text, R"("transformer_layers_per_block": 2,)", "");
    QCOMPARE(lightning::read_unet_config(write_variant("absent.json", text))
                 .transformer_layers_per_block,
             (std::vector<int>{1, 1, 1}));
}

void TestConfig::vaeConfigs() {
    const auto t = lightning::read_vae_config(tiny("vae/config.json"));
    QCOMPARE(t.block_out_channels, (std::vector<int>{16, 32, 32, 32}));
    QCOMPARE(t.down_block_types, std::vector<std::string>(4, "DownEncoderBlock2D"));
    QCOMPARE(t.up_block_types, std::vector<std::string>(4, "UpDecoderBlock2D"));
    QCOMPARE(t.layers_per_block, 2);
    QCOMPARE(t.latent_channels, 4);
    QCOMPARE(t.norm_num_groups, 8);
    QCOMPARE(t.scaling_factor, 0.13025);
    QCOMPARE(t.shift_factor, 0.0);
    QCOMPARE(t.force_upcast, true);
    QCOMPARE(t.use_quant_conv, true);
    QCOMPARE(t.use_post_quant_conv, true);
    QCOMPARE(t.mid_block_add_attention, true);
    const auto b = lightning::read_vae_config(base("vae/config.json"));
    QCOMPARE(b.block_out_channels, (std::vector<int>{128, 256, 512, 512}));
    QCOMPARE(b.norm_num_groups, 32);
}

void TestConfig::textEncoders() {
    const auto te1 = lightning::read_clip_text_config(tiny("text_encoder/config.json"));
    QCOMPARE(te1.with_projection, false);
    QCOMPARE(te1.hidden_act, std::string("quick_gelu"));
    QCOMPARE(te1.hidden_size, 32);
    QCOMPARE(te1.intermediate_size, 64);
    QCOMPARE(te1.num_attention_heads, 4);
    QCOMPARE(te1.num_hidden_layers, 3);
    QCOMPARE(te1.vocab_size, 49408);
    QCOMPARE(te1.max_position_embeddings, 77);
    QCOMPARE(te1.eos_token_id, int64_t(2));
    QCOMPARE(te1.pad_token_id, int64_t(1));
    QCOMPARE(te1.bos_token_id, int64_t(0));
    const auto te2 = lightning::read_clip_text_config(tiny("text_encoder_2/config.json"));
    QCOMPARE(te2.with_projection, true);
    QCOMPARE(te2.hidden_act, std::string("gelu"));
    QCOMPARE(te2.hidden_size, 48);
    QCOMPARE(te2.num_hidden_layers, 4);
    QCOMPARE(te2.projection_dim, 48);

    const auto b1 = lightning::read_clip_text_config(base("text_encoder/config.json"));
    QCOMPARE(b1.hidden_size, 768);
    QCOMPARE(b1.num_hidden_layers, 12);
    QCOMPARE(b1.with_projection, false);
    const auto b2 = lightning::read_clip_text_config(base("text_encoder_2/config.json"));
    QCOMPARE(b2.with_projection, true);
    QCOMPARE(b2.hidden_size, 1280);
    QCOMPARE(b2.intermediate_size, 5120);
    QCOMPARE(b2.num_attention_heads, 20);
    QCOMPARE(b2.num_hidden_layers, 32);
    QCOMPARE(b2.projection_dim, 1280);
    QCOMPARE(b2.hidden_act, std::string("gelu"));
}

void TestConfig::schedulers() {
    const auto t = lightning::read_scheduler_config(tiny("scheduler/scheduler_config.json"));
    QCOMPARE(t.class_name, std::string("EulerDiscreteScheduler"));
    QCOMPARE(t.timestep_spacing, lightning::TimestepSpacing::Trailing);
    QCOMPARE(t.prediction_type, lightning::PredictionType::Epsilon);
    QCOMPARE(t.num_train_timesteps, 1000);
    QCOMPARE(t.beta_start, 0.00085);
    QCOMPARE(t.beta_end, 0.012);
    QCOMPARE(t.beta_schedule, std::string("scaled_linear"));
    QCOMPARE(t.steps_offset, 1);
    QCOMPARE(t.interpolation_type, std::string("linear"));
    QCOMPARE(t.use_karras_sigmas, false);
    const auto b = lightning::read_scheduler_config(base("scheduler/scheduler_config.json"));
    QCOMPARE(b.timestep_spacing, lightning::TimestepSpacing::Leading);
}

void TestConfig::pipelineIndex() {
    const auto index = lightning::read_pipeline_index(tiny("model_index.json"));
    QCOMPARE(index.class_name, std::string("StableDiffusionXLPipeline"));
    QCOMPARE(index.force_zeros_for_empty_prompt, true);
    const std::string text =
        replace_once(read_text(tiny("model_index.json")), R"("force_zeros_for_empty_prompt": true)",
                     R"("force_zeros_for_empty_prompt": false)");
    QCOMPARE(lightning::read_pipeline_index(write_variant("index.json", text))
                 .force_zeros_for_empty_prompt,
             false);
}

void TestConfig::malformedUnet_data() {
    QTest::addColumn<QString>("from");
    QTest::addColumn<QString>("to");
    QTest::addColumn<QString>("key");      // expected in where()
    QTest::addColumn<QString>("message");  // distinctive part of the message

    QTest::newRow("unknown down block")
        << R"("DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D")"
        << R"("DownBlock2D", "SimpleCrossAttnDownBlock2D", "CrossAttnDownBlock2D")"
        << "down_block_types"
        << "unknown block type 'SimpleCrossAttnDownBlock2D'";
    QTest::newRow("unknown up block")
        << R"("CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D")"
        << R"("CrossAttnUpBlock2D", "AttnUpBlock2D", "UpBlock2D")"
        << "up_block_types"
        << "unknown block type 'AttnUpBlock2D'";
    QTest::newRow("unknown mid block") << R"("mid_block_type": "UNetMidBlock2DCrossAttn")"
                                       << R"("mid_block_type": "UNetMidBlock2DSimpleCrossAttn")"
                                       << "mid_block_type"
                                       << "unsupported value";
    QTest::newRow("block count mismatch") << R"("UpBlock2D"])"
                                          << R"("UpBlock2D", "UpBlock2D"])"
                                          << "up_block_types"
                                          << "has 4 entries";
    QTest::newRow("heads list length") << R"("attention_head_dim": [2, 4, 8])"
                                       << R"("attention_head_dim": [2, 4])"
                                       << "attention_head_dim"
                                       << "has 2 entries but the model has 3";
    QTest::newRow("heads wrong type") << R"("attention_head_dim": [2, 4, 8])"
                                      << R"("attention_head_dim": "8")"
                                      << "attention_head_dim"
                                      << "expected an integer or a list of integers, got string";
    QTest::newRow("channels float") << R"("block_out_channels": [16, 32, 48])"
                                    << R"("block_out_channels": [16, 32.5, 48])"
                                    << "block_out_channels"
                                    << "expected an integer, got number";
    QTest::newRow("channels missing") << R"("block_out_channels": [16, 32, 48],)"
                                      << ""
                                      << "block_out_channels"
                                      << "required key is missing";
    QTest::newRow("layers wrong type") << R"("layers_per_block": 2)"
                                       << R"("layers_per_block": true)"
                                       << "layers_per_block"
                                       << "expected an integer, got boolean";
    QTest::newRow("bool wrong type") << R"("use_linear_projection": true)"
                                     << R"("use_linear_projection": 1)"
                                     << "use_linear_projection"
                                     << "expected true or false";
    QTest::newRow("addition embed type") << R"("addition_embed_type": "text_time")"
                                         << R"("addition_embed_type": "text_image")"
                                         << "addition_embed_type"
                                         << "unsupported value 'text_image'";
    QTest::newRow("time embedding type") << R"("time_embedding_type": "positional")"
                                         << R"("time_embedding_type": "fourier")"
                                         << "time_embedding_type"
                                         << "unsupported value 'fourier'";
    QTest::newRow("class embed type") << R"("class_embed_type": null)"
                                      << R"("class_embed_type": "timestep")"
                                      << "class_embed_type"
                                      << "unsupported option";
    QTest::newRow("time cond proj (LCM)") << R"("time_cond_proj_dim": null)"
                                          << R"("time_cond_proj_dim": 256)"
                                          << "time_cond_proj_dim"
                                          << "unsupported option";
    QTest::newRow("groups do not divide") << R"("norm_num_groups": 8)"
                                          << R"("norm_num_groups": 7)"
                                          << "norm_num_groups"
                                          << "do not divide";
    QTest::newRow("text_time without dims") << R"("addition_time_embed_dim": 8,)"
                                            << ""
                                            << "addition_time_embed_dim"
                                            << "required key is missing";
    QTest::newRow("wrong class") << R"("_class_name": "UNet2DConditionModel")"
                                 << R"("_class_name": "UNet2DModel")"
                                 << "_class_name"
                                 << "expected 'UNet2DConditionModel'";
    QTest::newRow("negative heads") << R"("attention_head_dim": [2, 4, 8])"
                                    << R"("attention_head_dim": [2, -4, 8])"
                                    << "attention_head_dim"
                                    << "must be positive";
}

void TestConfig::malformedUnet() {
    QFETCH(QString, from);
    QFETCH(QString, to);
    QFETCH(QString, key);
    QFETCH(QString, message);
    const std::string text =
        replace_once(read_text(tiny("unet/config.json")), from.toStdString(), to.toStdString());
    const std::string path = write_variant("unet.json", text);
    const Error e = expect_error([&] { lightning::read_unet_config(path); });
    QCOMPARE(QString::fromStdString(e.where()), QString::fromStdString(path) + " [" + key + "]");
    QVERIFY2(QString::fromStdString(e.message()).contains(message), e.what());
}

void TestConfig::malformedOthers() {
    // Not JSON.
    std::string path = write_variant("bad.json", "{\"a\": 1,,}");
    Error e = expect_error([&] { lightning::read_unet_config(path); });
    QCOMPARE(e.where(), path);
    QVERIFY2(e.message().find("not valid JSON") != std::string::npos, e.what());
    // Not an object.
    path = write_variant("array.json", "[1, 2]");
    e = expect_error([&] { lightning::read_vae_config(path); });
    QVERIFY2(e.message().find("must be a JSON object") != std::string::npos, e.what());
    // Missing file.
    e = expect_error([&] { lightning::read_scheduler_config("/nonexistent/scheduler.json"); });
    QCOMPARE(e.where(), std::string("/nonexistent/scheduler.json"));

    const std::string scheduler = read_text(tiny("scheduler/scheduler_config.json"));
    struct Case {
        std::string from, to, key, message;
    };
    const std::vector<Case> scheduler_cases{
        {R"("timestep_spacing": "trailing")", R"("timestep_spacing": "sometimes")",
         "timestep_spacing", "unsupported value 'sometimes'"},
        {R"("prediction_type": "epsilon")", R"("prediction_type": "flow")", "prediction_type",
         "unsupported value 'flow'"},
        {R"("beta_schedule": "scaled_linear")", R"("beta_schedule": "squaredcos_cap_v2")",
         "beta_schedule", "unsupported value 'squaredcos_cap_v2'"},
        {R"("use_karras_sigmas": false)", R"("use_karras_sigmas": true)", "use_karras_sigmas",
         "not supported"},
        {R"("trained_betas": null)", R"("trained_betas": [0.1])", "trained_betas",
         "unsupported option"},
        {R"("num_train_timesteps": 1000)", R"("num_train_timesteps": "1000")",
         "num_train_timesteps", "expected an integer, got string"},
        {R"("beta_end": 0.012)", R"("beta_end": "0.012")", "beta_end", "expected a number"},
    };
    for (const auto& c : scheduler_cases) {
        path = write_variant("sched.json", replace_once(scheduler, c.from, c.to));
        e = expect_error([&] { lightning::read_scheduler_config(path); });
        QCOMPARE(e.where(), path + " [" + c.key + "]");
        QVERIFY2(e.message().find(c.message) != std::string::npos, e.what());
    }
    // v_prediction and sample parse.
    path = write_variant("v.json", replace_once(scheduler, R"("prediction_type": "epsilon")",
                                                R"("prediction_type": "v_prediction")"));
    QCOMPARE(lightning::read_scheduler_config(path).prediction_type,
             lightning::PredictionType::VPrediction);

    const std::string te = read_text(tiny("text_encoder/config.json"));
    const std::vector<Case> te_cases{
        {R"(["CLIPTextModel"])", R"(["T5EncoderModel"])", "architectures",
         "unsupported architecture 'T5EncoderModel'"},
        {R"("architectures": ["CLIPTextModel"],)", "", "architectures", "required key is missing"},
        {R"("hidden_act": "quick_gelu")", R"("hidden_act": "relu")", "hidden_act",
         "unsupported value 'relu'"},
        {R"("num_attention_heads": 4)", R"("num_attention_heads": 5)", "num_attention_heads",
         "do not divide hidden_size 32"},
        {R"("hidden_size": 32)", R"("hidden_size": [32])", "hidden_size", "expected an integer"},
    };
    for (const auto& c : te_cases) {
        path = write_variant("te.json", replace_once(te, c.from, c.to));
        e = expect_error([&] { lightning::read_clip_text_config(path); });
        QCOMPARE(e.where(), path + " [" + c.key + "]");
        QVERIFY2(e.message().find(c.message) != std::string::npos, e.what());
    }

    const std::string vae = read_text(tiny("vae/config.json"));
    path =
        write_variant("vae.json", replace_once(vae, R"(["UpDecoderBlock2D", "UpDecoderBlock2D",)",
                                               R"(["UpDecoderBlock2D", "UpBlock2D",)"));
    e = expect_error([&] { lightning::read_vae_config(path); });
    QCOMPARE(e.where(), path + " [up_block_types]");
    QVERIFY2(e.message().find("unknown block type 'UpBlock2D'") != std::string::npos, e.what());

    path = write_variant("index.json", "{\"force_zeros_for_empty_prompt\": true}");
    e = expect_error([&] { lightning::read_pipeline_index(path); });
    QCOMPARE(e.where(), path + " [_class_name]");
}

// Guards the JSON nesting limit: a value nested 1,000,000 deep overflowed the stack when the error
// message printed it (nlohmann's dump() recurses), killing the app instead of reporting the file.
void TestConfig::deeplyNestedJsonIsRefused() {
    const size_t depth = 1'000'000;
    const std::string nested = std::string(depth, '[') + std::string(depth, ']');
    const std::string path = write_variant(
        "deep.json",
        R"({"_class_name": "UNet2DConditionModel", "block_out_channels": )" + nested + "}");
    const Error e = expect_error([&] { lightning::read_unet_config(path); });
    QCOMPARE(e.where(), path);
    QVERIFY2(e.message().find("nested deeper than 64 levels") != std::string::npos, e.what());
    // Nesting within the limit still reaches the key's own check.
    const std::string shallow =
        write_variant("shallow.json",
                      R"({"_class_name": "UNet2DConditionModel", "block_out_channels": [[[1]]]})");
    const Error typed = expect_error([&] { lightning::read_unet_config(shallow); });
    QCOMPARE(typed.where(), shallow + " [block_out_channels]");
}

// Guards issue #26 item 9: a file given as a config (a key file, another program's settings)
// was quoted in the error: nlohmann's "last read: '...'" and the offending values. Values that
// have the form of a name are still named ("unsupported value 'fourier'").
void TestConfig::errorsNeverQuoteTheFilesText() {
    const std::string secret = "SECRET-PASSWORD hunter2";
    const std::vector<std::string> files = {
        secret + "\n" + secret,
        "{\"_class_name\": \"" + secret + "\x01\"}",
        "{\"_class_name\": \"" + secret + "\"}",
        R"({"_class_name": "UNet2DConditionModel", "in_channels": ")" + secret + "\"}",
        R"({"_class_name": "UNet2DConditionModel", "in_channels": 4)" + std::string(30, '4') + "}",
    };
    for (size_t i = 0; i < files.size(); ++i) {
        const std::string path = write_variant("secret" + std::to_string(i) + ".json", files[i]);
        const Error e = expect_error([&] { lightning::read_unet_config(path); });
        const std::string what = e.what();
        QVERIFY2(what.starts_with(path), what.c_str());
        for (const char* quoted : {"SECRET", "hunter", "PASSWORD", "4444"})
            QVERIFY2(what.find(quoted) == std::string::npos, what.c_str());
    }
}

// A missing config and a folder given as one: the error names the path and the system's reason
// (the folder used to read as empty text, reported as "not valid JSON").
void TestConfig::unreadableConfigsSayWhy() {
    const std::string missing = dir_.filePath("missing.json").toStdString();
    Error e = expect_error([&] { lightning::read_unet_config(missing); });
    QCOMPARE(e.where(), missing);
    QCOMPARE(e.message(), "cannot open the config file: " + std::string(std::strerror(ENOENT)));
    const std::string folder = dir_.filePath("folder.json").toStdString();
    QVERIFY(QDir().mkpath(QString::fromStdString(folder)));
    e = expect_error([&] { lightning::read_vae_config(folder); });
    QCOMPARE(e.where(), folder);
    QCOMPARE(e.message(), "cannot read the config file: " + std::string(std::strerror(EISDIR)));
}

void TestConfig::predictionTypeNames() {
    using lightning::PredictionType;
    for (auto p : {PredictionType::Epsilon, PredictionType::Sample, PredictionType::VPrediction})
        QCOMPARE(lightning::parse_prediction_type(lightning::to_string(p)), p);
    QCOMPARE(std::string(lightning::to_string(lightning::TimestepSpacing::Trailing)),
             std::string("trailing"));
    const Error e = expect_error([] { lightning::parse_prediction_type("x0"); });
    QVERIFY(e.message().find("'x0' is not epsilon, sample or v_prediction") != std::string::npos);
}

QTEST_GUILESS_MAIN(TestConfig)
#include "test_config.moc"
