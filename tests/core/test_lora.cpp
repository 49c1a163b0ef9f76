// LoRA fusing into the tiny base UNet: the fixture LoRA (kohya keys, rank 4, alpha 2) changes
// exactly its 308 weights by the README's formula, unfuse restores every weight bit for bit,
// peft-style keys give the same result, and keys that fit nothing are listed by name.
#include "core/convert/lora_names.h"
#include "core/io/config.h"
#include "core/io/safetensors.h"
#include "core/io/state_dict.h"
#include "core/lora/lora.h"
#include "core/models/unet.h"
#include "core/text/clip_text_model.h"
#include "core/util/error.h"
#include "support/fixtures.h"

#include <torch/torch.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

using namespace lightning;

namespace {

std::string lora_path() {
    return testing::fixtures_dir() + "/tiny-lightning/sdxl_lightning_4step_lora.safetensors";
}

UNet2DConditionModel tiny_base_unet() {
    const std::string dir = testing::fixtures_dir() + "/tiny-sdxl/unet";
    UNet2DConditionModel unet(read_unet_config(dir + "/config.json"));
    load_state_dict(*unet, *SafeTensorsFile::open(dir + "/diffusion_pytorch_model.safetensors"));
    return unet;
}

std::map<std::string, at::Tensor> snapshot(const torch::nn::Module& module) {
    std::map<std::string, at::Tensor> copy;
    for (const auto& p : module.named_parameters()) copy[p.key()] = p.value().detach().clone();
    return copy;
}

std::vector<std::string> unet_weight_modules(const torch::nn::Module& module) {
    std::vector<std::string> names;
    for (const auto& p : module.named_parameters()) {
        const auto& key = p.key();
        if (key.size() > 7 && key.compare(key.size() - 7, 7, ".weight") == 0)
            names.push_back(key.substr(0, key.size() - 7));
    }
    return names;
}

// The README's formula, written independently of lora.cpp (einsum over the rank).
at::Tensor expected_fused(const at::Tensor& base, const at::Tensor& down, const at::Tensor& up,
                          double alpha, double scale) {
    const auto d = down.to(torch::kFloat), u = up.to(torch::kFloat);
    const double factor = scale * alpha / double(down.size(0));
    if (base.dim() == 2) return base + factor * torch::einsum("or,ri->oi", {u, d});
    return base + factor * torch::einsum("or,rikl->oikl", {u.flatten(1), d});
}

// Weight shapes per module ("<module>.weight" parameters) of each LoRA target.
using ModuleShapes = std::map<LoraTarget, std::map<std::string, std::vector<int64_t>>>;

void add_weight_shapes(ModuleShapes& shapes, LoraTarget target, const torch::nn::Module& model) {
    const std::string suffix = ".weight";
    for (const auto& p : model.named_parameters()) {
        const std::string& key = p.key();
        if (key.size() <= suffix.size() || !key.ends_with(suffix)) continue;
        const auto sizes = p.value().sizes();
        shapes[target][key.substr(0, key.size() - suffix.size())] = {sizes.begin(), sizes.end()};
    }
}

// Real SDXL's UNet and text encoders (configs/sdxl-base) on the meta device: names and shapes
// only, nothing allocated.
ModuleShapes real_sdxl_weight_shapes() {
    const std::string dir = testing::configs_dir() + "/sdxl-base";
    const auto meta = at::TensorOptions().device(at::kMeta);
    ModuleShapes shapes;
    add_weight_shapes(shapes, LoraTarget::UNet,
                      *UNet2DConditionModel(read_unet_config(dir + "/unet/config.json"), meta));
    add_weight_shapes(
        shapes, LoraTarget::TextEncoder1,
        *ClipTextModel(read_clip_text_config(dir + "/text_encoder/config.json"), meta));
    add_weight_shapes(
        shapes, LoraTarget::TextEncoder2,
        *ClipTextModel(read_clip_text_config(dir + "/text_encoder_2/config.json"), meta));
    return shapes;
}

std::vector<int64_t> header_shape(const nlohmann::json& keys, const std::string& key) {
    return keys.at(key).at("shape").get<std::vector<int64_t>>();
}

}  // namespace

class TestLora : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void fusesExactlyTheFormulaAndUnfusesBitExactly() {
        auto unet = tiny_base_unet();
        const auto before = snapshot(*unet);
        const auto lora = SafeTensorsFile::open(lora_path());

        LoraFuser fuser;
        fuser.fuse(*lora, 1.0f, LoraTargets{unet.get()});
        QCOMPARE(int(fuser.changed_weights()), 308);
        QCOMPARE(int(fuser.fused().size()), 1);
        QCOMPARE(int(fuser.fused()[0].modules), 308);

        const auto mapping =
            map_lora_keys(lora->names(), {{LoraTarget::UNet, unet_weight_modules(*unet)}});
        QVERIFY(mapping.unmatched.empty());
        QCOMPARE(int(mapping.modules.size()), 308);
        std::set<std::string> fused_params;
        int convs = 0;
        for (const auto& m : mapping.modules) {
            const std::string param = m.module + ".weight";
            fused_params.insert(param);
            const auto actual = unet->named_parameters()[param];
            const auto expected =
                expected_fused(before.at(param), lora->load(m.down_key), lora->load(m.up_key),
                               lora->load(m.alpha_key).item<double>(), 1.0);
            convs += actual.dim() == 4;
            const double err = (actual - expected).abs().max().item<double>();
            QVERIFY2(err <= 1e-7, (param + ": |fused - formula| = " + std::to_string(err)).c_str());
            QVERIFY2(!torch::equal(actual, before.at(param)), (param + " did not change").c_str());
        }
        QCOMPARE(convs, 6);  // conv1/conv2 of three resnets
        for (const auto& p : unet->named_parameters())
            if (!fused_params.count(p.key()))
                QVERIFY2(torch::equal(p.value(), before.at(p.key())),
                         (p.key() + " changed").c_str());

        fuser.unfuse();
        QVERIFY(!fuser.active());
        for (const auto& p : unet->named_parameters())
            QVERIFY2(torch::equal(p.value(), before.at(p.key())),
                     (p.key() + " not restored bit-exactly").c_str());
    }

    void stackedLorasUnfuseToTheOriginal() {
        auto unet = tiny_base_unet();
        const auto before = snapshot(*unet);
        const auto lora = SafeTensorsFile::open(lora_path());
        LoraFuser fuser;
        fuser.fuse(*lora, 0.7f, LoraTargets{unet.get()});
        fuser.fuse(*lora, -0.3f, LoraTargets{unet.get()});
        QCOMPARE(int(fuser.fused().size()), 2);
        QCOMPARE(int(fuser.changed_weights()), 308);  // originals saved once per weight
        fuser.unfuse();
        for (const auto& p : unet->named_parameters())
            QVERIFY2(torch::equal(p.value(), before.at(p.key())), p.key().c_str());
    }

    void peftKeysGiveTheSameWeights() {
        // The same LoRA in diffusers/peft spelling without alpha (alpha = rank): the kohya
        // factor alpha/rank = 0.5 moves into the scale.
        auto kohya_unet = tiny_base_unet();
        auto peft_unet = tiny_base_unet();
        const auto lora = SafeTensorsFile::open(lora_path());
        const auto mapping =
            map_lora_keys(lora->names(), {{LoraTarget::UNet, unet_weight_modules(*kohya_unet)}});
        std::vector<std::pair<std::string, at::Tensor>> peft;
        for (const auto& m : mapping.modules) {
            peft.emplace_back("unet." + m.module + ".lora_A.weight", lora->load(m.down_key));
            peft.emplace_back("unet." + m.module + ".lora_B.weight", lora->load(m.up_key));
        }
        TensorMapSource peft_source(peft, "peft.safetensors");
        LoraFuser kohya_fuser, peft_fuser;
        kohya_fuser.fuse(*lora, 1.0f, LoraTargets{kohya_unet.get()});
        peft_fuser.fuse(peft_source, 0.5f, LoraTargets{peft_unet.get()});
        const auto peft_params = peft_unet->named_parameters();
        for (const auto& p : kohya_unet->named_parameters())
            QVERIFY2(torch::equal(p.value(), peft_params[p.key()]), p.key().c_str());
    }

    void kohyaKeysWithSgmNamesResolve() {
        // sd-scripts' SDXL LoRAs name the original SGM modules. Rename part of the fixture LoRA
        // that way (attention blocks and resnet convs of every UNet part); it must fuse exactly
        // like the diffusers-named original once the UNet config is known.
        const std::vector<std::pair<std::string, std::string>> sgm = {
            {"lora_unet_down_blocks_1_attentions_0_", "lora_unet_input_blocks_4_1_"},
            {"lora_unet_mid_block_attentions_0_", "lora_unet_middle_block_1_"},
            {"lora_unet_up_blocks_0_attentions_1_", "lora_unet_output_blocks_1_1_"},
            {"lora_unet_down_blocks_1_resnets_0_conv1", "lora_unet_input_blocks_4_0_in_layers_2"},
            {"lora_unet_down_blocks_1_resnets_0_conv2", "lora_unet_input_blocks_4_0_out_layers_3"},
            {"lora_unet_mid_block_resnets_1_conv1", "lora_unet_middle_block_2_in_layers_2"},
            {"lora_unet_up_blocks_2_resnets_2_conv2", "lora_unet_output_blocks_8_0_out_layers_3"},
        };
        const auto lora = SafeTensorsFile::open(lora_path());
        std::vector<std::pair<std::string, at::Tensor>> renamed;
        int changed = 0;
        for (const auto& name : lora->names()) {
            std::string key = name;
            for (const auto& [from, to] : sgm)
                if (key.rfind(from, 0) == 0) {
                    key = to + key.substr(from.size());
                    ++changed;
                    break;
                }
            renamed.emplace_back(key, lora->load(name));
        }
        QVERIFY(changed > 100);
        TensorMapSource sgm_source(renamed, "sgm_lora.safetensors");
        const auto config =
            read_unet_config(testing::fixtures_dir() + "/tiny-sdxl/unet/config.json");
        auto reference = tiny_base_unet();
        auto unet = tiny_base_unet();
        LoraFuser reference_fuser, fuser;
        reference_fuser.fuse(*lora, 1.0f, LoraTargets{reference.get()});
        fuser.fuse(sgm_source, 1.0f, LoraTargets{unet.get(), nullptr, nullptr, &config});
        QCOMPARE(int(fuser.changed_weights()), 308);
        const auto expected = reference->named_parameters();
        for (const auto& p : unet->named_parameters())
            QVERIFY2(torch::equal(p.value(), expected[p.key()]), p.key().c_str());
        // Without the config the SGM names cannot be resolved, and say so.
        LoraFuser plain;
        QVERIFY_THROWS_EXCEPTION(Error, plain.fuse(sgm_source, 1.0f, LoraTargets{unet.get()}));
    }

    void unmatchedKeysAreListedAndNothingChanges() {
        auto unet = tiny_base_unet();
        const auto before = snapshot(*unet);
        const auto lora = SafeTensorsFile::open(lora_path());
        std::vector<std::pair<std::string, at::Tensor>> tensors;
        for (const auto& name : lora->names()) tensors.emplace_back(name, lora->load(name));
        const std::string bogus = "lora_unet_down_blocks_7_attentions_0_bogus_layer";
        tensors.emplace_back(bogus + ".lora_down.weight", torch::zeros({4, 16}));
        tensors.emplace_back(bogus + ".lora_up.weight", torch::zeros({16, 4}));
        tensors.emplace_back("something_else.weight", torch::zeros({2}));
        TensorMapSource source(tensors, "bogus_lora.safetensors");
        LoraFuser fuser;
        try {
            fuser.fuse(source, 1.0f, LoraTargets{unet.get()});
            QFAIL("a LoRA with unknown keys was accepted");
        } catch (const Error& e) {
            const std::string what = e.what();
            QCOMPARE(e.where(), std::string("bogus_lora.safetensors"));
            QVERIFY2(what.find(bogus + ".lora_down.weight") != std::string::npos, what.c_str());
            QVERIFY2(what.find(bogus + ".lora_up.weight") != std::string::npos, what.c_str());
            QVERIFY2(what.find("something_else.weight") != std::string::npos, what.c_str());
            QVERIFY2(what.find("3 LoRA key(s)") != std::string::npos, what.c_str());
        }
        QVERIFY(!fuser.active());
        for (const auto& p : unet->named_parameters())
            QVERIFY2(torch::equal(p.value(), before.at(p.key())), p.key().c_str());
    }

    void misShapedFactorsAreRejected() {
        auto unet = tiny_base_unet();
        TensorMapSource source(
            {{"lora_unet_mid_block_attentions_0_proj_in.lora_down.weight", torch::zeros({4, 7})},
             {"lora_unet_mid_block_attentions_0_proj_in.lora_up.weight", torch::zeros({48, 4})}},
            "shapes.safetensors");
        LoraFuser fuser;
        try {
            fuser.fuse(source, 1.0f, LoraTargets{unet.get()});
            QFAIL("mis-shaped LoRA accepted");
        } catch (const Error& e) {
            QVERIFY2(
                std::string(e.what()).find("mid_block.attentions.0.proj_in") != std::string::npos,
                e.what());
        }
    }

    void textEncoderKeysNeedATextEncoder() {
        const auto mapping = map_lora_keys(
            {"lora_te1_text_model_encoder_layers_0_self_attn_q_proj.lora_down.weight",
             "lora_te1_text_model_encoder_layers_0_self_attn_q_proj.lora_up.weight",
             "text_encoder_2.text_model.encoder.layers.1.mlp.fc1.lora_A.weight",
             "text_encoder_2.text_model.encoder.layers.1.mlp.fc1.lora_B.weight"},
            {{LoraTarget::TextEncoder1, {"text_model.encoder.layers.0.self_attn.q_proj"}},
             {LoraTarget::UNet, {"conv_in"}}});
        QCOMPARE(int(mapping.modules.size()), 1);
        QCOMPARE(mapping.modules[0].module,
                 std::string("text_model.encoder.layers.0.self_attn.q_proj"));
        QVERIFY(mapping.modules[0].target == LoraTarget::TextEncoder1);
        QCOMPARE(int(mapping.unmatched.size()), 2);  // no text encoder 2 given
    }

    // A real SDXL LoRA trained with kohya's sd-scripts (its safetensors header: names and shapes;
    // tests/data/foreign/README.md): every key maps to a module of real SDXL, every module
    // gets its down, up and alpha, and the factors fit the module's weight (down [rank, in],
    // up [out, rank]). Checked on the architecture only (meta device), not applied.
    void realKohyaSdxlLoraMapsToSdxlModules() {
        const std::string path =
            testing::test_data_dir() + "/foreign/lora/sdxl_kohya_anyaXL2_header.json";
        std::ifstream in(path);
        QVERIFY2(in, path.c_str());
        const auto header = nlohmann::json::parse(in);
        QCOMPARE(header.at("metadata").at("ss_network_module").get<std::string>(),
                 std::string("networks.lora"));
        const auto& keys = header.at("keys");
        std::vector<std::string> names;
        for (const auto& item : keys.items()) names.push_back(item.key());
        const ModuleShapes shapes = real_sdxl_weight_shapes();
        LoraModuleNames modules;
        for (const auto& [target, weights] : shapes)
            for (const auto& [name, shape] : weights) modules[target].push_back(name);
        const auto mapping = map_lora_keys(names, modules);
        for (const auto& u : mapping.unmatched) qWarning("%s: %s", u.key.c_str(), u.reason.c_str());
        QCOMPARE(int(mapping.unmatched.size()), 0);
        QCOMPARE(mapping.modules.size() * 3, names.size());
        std::map<LoraTarget, int> per_target;
        for (const auto& m : mapping.modules) {
            ++per_target[m.target];
            const auto& weight = shapes.at(m.target).at(m.module);
            const auto down = header_shape(keys, m.down_key), up = header_shape(keys, m.up_key);
            QVERIFY2(!m.alpha_key.empty() && header_shape(keys, m.alpha_key).empty(),
                     m.module.c_str());
            QVERIFY2(down.size() == 2 && up.size() == 2 && weight.size() == 2, m.module.c_str());
            QVERIFY2(down[0] == up[1] && down[1] == weight[1] && up[0] == weight[0],
                     m.module.c_str());
        }
        // What the file holds: UNet attention layers and text encoder 1 (sd-scripts trains no
        // second text encoder unless asked).
        QCOMPARE(per_target[LoraTarget::UNet], 722);
        QCOMPARE(per_target[LoraTarget::TextEncoder1], 72);
        QCOMPARE(per_target[LoraTarget::TextEncoder2], 0);
    }

    void kohyaNamesResolveAgainstRealModuleNames() {
        // '_' inside module names (to_out, transformer_blocks) cannot be told from a flattened
        // '.'; the real names decide, and a lone factor is reported.
        const auto mapping = map_lora_keys(
            {"lora_unet_up_blocks_0_attentions_1_transformer_blocks_0_attn2_to_out_0.lora_down."
             "weight",
             "lora_unet_up_blocks_0_attentions_1_transformer_blocks_0_attn2_to_out_0.lora_up."
             "weight",
             "lora_unet_up_blocks_0_attentions_1_transformer_blocks_0_attn2_to_out_0.alpha",
             "lora_unet_conv_in.lora_down.weight"},
            {{LoraTarget::UNet,
              {"up_blocks.0.attentions.1.transformer_blocks.0.attn2.to_out.0", "conv_in"}}});
        QCOMPARE(int(mapping.modules.size()), 1);
        QCOMPARE(mapping.modules[0].module,
                 std::string("up_blocks.0.attentions.1.transformer_blocks.0.attn2.to_out.0"));
        QVERIFY(!mapping.modules[0].alpha_key.empty());
        QCOMPARE(int(mapping.unmatched.size()), 1);
        QCOMPARE(mapping.unmatched[0].key, std::string("lora_unet_conv_in.lora_down.weight"));
    }
};

QTEST_GUILESS_MAIN(TestLora)
#include "test_lora.moc"
