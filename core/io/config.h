// diffusers / transformers configuration files, parsed into plain structs.
// Unknown block types or unsupported options are a lightning::Error naming the file and key.
#pragma once
#include "core/request/enums.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lightning {

struct UNetConfig {
    int in_channels = 4;
    int out_channels = 4;
    std::vector<int> block_out_channels;        // per level
    std::vector<std::string> down_block_types;  // DownBlock2D | CrossAttnDownBlock2D
    std::vector<std::string> up_block_types;    // UpBlock2D | CrossAttnUpBlock2D
    std::string mid_block_type = "UNetMidBlock2DCrossAttn";
    int layers_per_block = 2;
    std::vector<int> num_heads;                     // per level (SDXL's attention_head_dim)
    std::vector<int> transformer_layers_per_block;  // per level
    int cross_attention_dim = 2048;
    int norm_num_groups = 32;
    double norm_eps = 1e-5;
    bool flip_sin_to_cos = true;
    double freq_shift = 0;
    std::string addition_embed_type = "text_time";  // or "" (none)
    int addition_time_embed_dim = 256;
    int projection_class_embeddings_input_dim = 2816;
    bool use_linear_projection = true;
    bool upcast_attention = false;
    int sample_size = 128;
    int conv_in_kernel = 3;
    int conv_out_kernel = 3;
    int downsample_padding = 1;
};

struct VaeConfig {
    int in_channels = 3;
    int out_channels = 3;
    int latent_channels = 4;
    std::vector<int> block_out_channels;
    std::vector<std::string> down_block_types;  // DownEncoderBlock2D
    std::vector<std::string> up_block_types;    // UpDecoderBlock2D
    int layers_per_block = 2;
    int norm_num_groups = 32;
    double scaling_factor = 0.13025;
    double shift_factor = 0;  // absent in SDXL: 0
    bool force_upcast = true;
    bool use_quant_conv = true;
    bool use_post_quant_conv = true;
    bool mid_block_add_attention = true;
    int sample_size = 1024;  // tiled decoding's tile size in pixels (diffusers' default 32)
};

struct ClipTextConfig {
    bool with_projection = false;  // CLIPTextModelWithProjection
    int vocab_size = 49408;
    int hidden_size = 768;
    int intermediate_size = 3072;
    int num_attention_heads = 12;
    int num_hidden_layers = 12;
    int max_position_embeddings = 77;
    int projection_dim = 768;
    std::string hidden_act = "quick_gelu";  // quick_gelu | gelu
    double layer_norm_eps = 1e-5;
    int64_t eos_token_id = 2;  // 2 = legacy rule: pool at argmax(ids)
    int64_t pad_token_id = 1;
    int64_t bos_token_id = 0;
};

struct SchedulerConfig {
    std::string class_name = "EulerDiscreteScheduler";
    int num_train_timesteps = 1000;
    double beta_start = 0.00085;
    double beta_end = 0.012;
    std::string beta_schedule = "scaled_linear";  // scaled_linear | linear
    TimestepSpacing timestep_spacing = TimestepSpacing::Leading;
    PredictionType prediction_type = PredictionType::Epsilon;
    int steps_offset = 1;
    std::string interpolation_type = "linear";
    bool use_karras_sigmas = false;
};

struct PipelineIndex {  // model_index.json
    std::string class_name;
    bool force_zeros_for_empty_prompt = true;
};

UNetConfig read_unet_config(const std::string& path);            // unet/config.json
VaeConfig read_vae_config(const std::string& path);              // vae/config.json
ClipTextConfig read_clip_text_config(const std::string& path);   // text_encoder*/config.json
SchedulerConfig read_scheduler_config(const std::string& path);  // scheduler/scheduler_config.json
PipelineIndex read_pipeline_index(const std::string& path);      // model_index.json

}  // namespace lightning
