"""Runs AUTOMATIC1111 stable-diffusion-webui's own SDXL prompt-to-conditioning code on the tiny
fixture models. Nothing of the webui is copied here: its files are imported from a checkout
given on the command line (`--a1111-webui DIR`, DIR/modules/*.py). Licence: AGPL-3.0; we only
run it. Repository github.com/AUTOMATIC1111/stable-diffusion-webui, files as of these commits
(the last commit that changed each file, as read from the repository):
  modules/prompt_parser.py             28bd8e142d5f77b71ae8d7d7140b5da1b3a49906
  modules/sd_hijack_clip.py            00e09382cd85c77ac35545c7264855823dfc2eb1
  modules/sd_hijack_open_clip.py       01a40c62556b8cf3beb418e382760dd21811d3b2
  modules/sd_emphasis.py               f8391b8a8ff61bf7ebcddc9b387e6c2f206ed056
  modules/sd_models_xl.py              a3ddf464a2ed24c999f67ddfef7969f8291567be
  modules/sd_samplers_cfg_denoiser.py  72632242f7d612c7cb1c1b0b9f86ffcbfeb4e1e8

What runs as A1111 wrote it: parse_prompt_attention, FrozenCLIPEmbedderWithCustomWordsBase
(tokenize_line: chunks, BREAK, comma backtrack; forward; process_tokens: bigG's pad ids),
FrozenCLIPEmbedderForSDXLWithCustomWords / FrozenOpenCLIPEmbedder2WithCustomWords,
EmphasisOriginal, sd_models_xl.get_learned_conditioning (zero empty negative) and
CFGDenoiser.pad_cond_uncond (empty-prompt padding).

What is swapped, and why (each stand-in does what the object it replaces does):
- Model objects (sgm's FrozenCLIPEmbedder / FrozenOpenCLIPEmbedder2, see ClipL and OpenClipG):
  the tiny fixtures' transformers CLIPTextModel / CLIPTextModelWithProjection. sgm's "hidden"
  layer_idx 11 of CLIP-L's 12 layers is hidden_states[-2]; for the 3-layer tiny encoder that is
  layer_idx 2. sgm's "penultimate" of bigG is the input of the last block = hidden_states[-2];
  "pooled" is ln_final(last)[argmax(ids)] @ text_projection.
- open_clip.tokenizer._tokenizer (SimpleTokenizer): the fixture's CLIP-L tokenizer without
  special tokens (same BPE vocabulary; open_clip names the specials <start_of_text> and
  <end_of_text>). open_clip is not installed on the reference machine. For the ASCII test
  prompts both give the same ids (ftfy/html clean-up does nothing on them).
- sgm's GeneralConditioner (Conditioner): its forward for the two text embedders only (3-D
  outputs concatenated on channels as "crossattn", 2-D as "vector"; force_zero_embeddings gives
  zeros_like). The size/crop embedders feed only the UNet's time ids, which are not compared here.
- sd_models.get_empty_cond: cond_stage_model_empty_prompt = get_learned_conditioning([""])["crossattn"].
- lark: a stub; prompt_parser builds its scheduling grammar at import, which parse_prompt_attention
  does not use (lark is not installed on the reference machine).
- modules.shared.opts: A1111's defaults for every option this code reads (OPTS below).
  pad_cond_uncond defaults to False: A1111 then runs cond and uncond of different lengths as
  separate UNet batches; the goldens call pad_cond_uncond itself (the option on), which is what a
  batched [uncond, cond] conditioning needs (README, A1111 section).
- modules.devices: CPU, float32. modules.sd_hijack: the hijack object only answers "no textual
  inversion embedding here" (find_embedding_at_position -> None). modules.sd_samplers_common,
  modules.script_callbacks: names imported at module level, unused by pad_cond_uncond.
"""
import os
import sys
import types

import torch

from third_party import install_lark_stub

# A1111's default values (modules/shared_options.py) of the options this code reads.
OPTS = {
    "emphasis": "Original",
    "comma_padding_backtrack": 20,
    "CLIP_stop_at_last_layers": 1,
    "sdxl_clip_l_skip": False,
    "use_old_emphasis_implementation": False,
    "textual_inversion_add_hashes_to_infotext": True,
    "sdxl_crop_top": 0,
    "sdxl_crop_left": 0,
    "sdxl_refiner_low_aesthetic_score": 2.5,
    "sdxl_refiner_high_aesthetic_score": 6.0,
    "pad_cond_uncond": False,
    "pad_cond_uncond_v0": False,
    "batch_cond_uncond": True,
}


def _module(name, **attrs):
    module = types.ModuleType(name)
    module.__dict__.update(attrs)
    sys.modules[name] = module
    return module


class _Placeholder:
    def __init__(self, *args, **kwargs):
        pass


def _install_stubs(clip_tokenizer):
    install_lark_stub()
    vocab = dict(clip_tokenizer.get_vocab())
    vocab["<start_of_text>"] = clip_tokenizer.bos_token_id
    vocab["<end_of_text>"] = clip_tokenizer.eos_token_id
    simple = types.SimpleNamespace(
        encoder=vocab,
        encode=lambda text: clip_tokenizer(text, add_special_tokens=False)["input_ids"])
    tokenizer_module = _module("open_clip.tokenizer", _tokenizer=simple)
    _module("open_clip", tokenizer=tokenizer_module)

    # sgm: only the names sd_models_xl.py touches at import.
    sgm = _module("sgm")
    sgm.models = _module("sgm.models")
    sgm.models.diffusion = _module("sgm.models.diffusion", DiffusionEngine=type(
        "DiffusionEngine", (), {}))
    sgm.modules = _module("sgm.modules", GeneralConditioner=Conditioner)
    dm = sgm.modules.diffusionmodules = _module("sgm.modules.diffusionmodules")
    dm.denoiser_scaling = _module("sgm.modules.diffusionmodules.denoiser_scaling",
                                  VScaling=_Placeholder)
    dm.discretizer = _module("sgm.modules.diffusionmodules.discretizer",
                             LegacyDDPMDiscretization=_Placeholder)
    dm.model = _module("sgm.modules.diffusionmodules.model")
    dm.openaimodel = _module("sgm.modules.diffusionmodules.openaimodel")
    sgm.modules.attention = _module("sgm.modules.attention")
    sgm.modules.encoders = _module("sgm.modules.encoders")
    sgm.modules.encoders.modules = _module("sgm.modules.encoders.modules")

    _module("modules.shared", opts=types.SimpleNamespace(**OPTS), sd_model=None,
            state=types.SimpleNamespace(interrupted=False, skipped=False))
    _module("modules.devices", device=torch.device("cpu"), dtype=torch.float32,
            torch_npu_set_device=lambda: None)
    _module("modules.sd_hijack", StableDiffusionModelHijack=Hijack)
    _module("modules.sd_samplers_common")
    _module("modules.script_callbacks", **{n: _Placeholder for n in (
        "CFGDenoiserParams", "cfg_denoiser_callback", "CFGDenoisedParams",
        "cfg_denoised_callback", "AfterCFGCallbackParams", "cfg_after_cfg_callback")})


class Hijack:
    """modules.sd_hijack.StableDiffusionModelHijack, as far as the embedders use it: no
    textual-inversion embeddings."""

    def __init__(self):
        self.fixes = None
        self.extra_generation_params = {}
        self.embedding_db = types.SimpleNamespace(
            find_embedding_at_position=lambda tokens, position: (None, None))


class ClipL(torch.nn.Module):
    """sgm FrozenCLIPEmbedder (layer "hidden") around the tiny CLIP-L; records the ids it gets."""

    def __init__(self, tokenizer, transformer):
        super().__init__()
        self.tokenizer = tokenizer
        self.transformer = transformer
        self.layer = "hidden"
        self.layer_idx = transformer.config.num_hidden_layers - 1
        self.return_pooled = False
        self.input_key = "txt"
        self.seen = []
        original = transformer.forward

        def forward(*args, **kwargs):
            self.seen.append(kwargs["input_ids"].clone())
            return original(*args, **kwargs)

        transformer.forward = forward


class OpenClipG(torch.nn.Module):
    """sgm FrozenOpenCLIPEmbedder2 (layer "penultimate", return_pooled) around the tiny bigG."""

    def __init__(self, model):
        super().__init__()
        self.model = model
        self.layer = "penultimate"
        self.return_pooled = True
        self.input_key = "txt"
        self.seen = []

    def encode_with_transformer(self, text):
        self.seen.append(text.clone())
        out = self.model(input_ids=text, output_hidden_states=True)
        last = out.last_hidden_state  # ln_final of the last block's output
        pooled = self.model.text_projection(last[torch.arange(last.shape[0]), text.argmax(dim=-1)])
        return {"penultimate": out.hidden_states[-2], "last": out.hidden_states[-1],
                "pooled": pooled}


class Conditioner:
    """sgm.modules.GeneralConditioner.forward for the text embedders."""
    OUTPUT_DIM2KEYS = {2: "vector", 3: "crossattn"}
    KEY2CATDIM = {"vector": 1, "crossattn": 2}

    def __init__(self, embedders=()):
        self.embedders = list(embedders)

    def __call__(self, batch, force_zero_embeddings=None):
        output = {}
        for embedder in self.embedders:
            with torch.no_grad():
                emb_out = embedder(batch[embedder.input_key])
            if not isinstance(emb_out, (list, tuple)):
                emb_out = [emb_out]
            for emb in emb_out:
                key = self.OUTPUT_DIM2KEYS[emb.dim()]
                if embedder.input_key in (force_zero_embeddings or []):
                    emb = torch.zeros_like(emb)
                output[key] = (torch.cat((output[key], emb), self.KEY2CATDIM[key])
                               if key in output else emb)
        return output


class A1111:
    """The webui's SDXL conditioning, assembled as sd_hijack does for an SDXL checkpoint."""

    def __init__(self, webui_dir, pipe):
        _install_stubs(pipe.tokenizer)
        sys.path.insert(0, os.path.abspath(webui_dir))
        import modules.prompt_parser as prompt_parser
        import modules.sd_hijack_clip as sd_hijack_clip
        import modules.sd_hijack_open_clip as sd_hijack_open_clip
        import modules.sd_models_xl  # noqa: F401 (patches DiffusionEngine)
        import modules.sd_samplers_cfg_denoiser as cfg_denoiser
        import modules.shared as shared
        import sgm.models.diffusion
        for name, module in (("prompt_parser", prompt_parser), ("sd_hijack_clip", sd_hijack_clip)):
            assert module.__file__.startswith(os.path.abspath(webui_dir)), (name, module.__file__)
        self.prompt_parser = prompt_parser
        hijack = Hijack()
        self.clip_l = ClipL(pipe.tokenizer, pipe.text_encoder)
        self.clip_g = OpenClipG(pipe.text_encoder_2)
        self.embedders = [
            sd_hijack_clip.FrozenCLIPEmbedderForSDXLWithCustomWords(self.clip_l, hijack),
            sd_hijack_open_clip.FrozenOpenCLIPEmbedder2WithCustomWords(self.clip_g, hijack)]
        self.engine = sgm.models.diffusion.DiffusionEngine()
        self.engine.conditioner = Conditioner(self.embedders)
        shared.sd_model = self.engine
        self.engine.cond_stage_model_empty_prompt = self.engine.get_learned_conditioning(
            [""])["crossattn"]
        self.denoiser = cfg_denoiser.CFGDenoiser(sampler=None)

    def parse(self, prompt):
        return self.prompt_parser.parse_prompt_attention(prompt)

    @torch.no_grad()
    def condition(self, prompt, negative=False, width=1024, height=1024):
        """get_learned_conditioning of one prompt: ({"crossattn", "vector"}, chunks of CLIP-L's
        embedder, token count, ids CLIP-L got, ids bigG got)."""
        self.clip_l.seen.clear()
        self.clip_g.seen.clear()
        batch = self.prompt_parser.SdConditioning([prompt], is_negative_prompt=negative,
                                                  width=width, height=height)
        cond = self.engine.get_learned_conditioning(batch)
        chunks, count = self.embedders[0].tokenize_line(prompt)
        return (cond, chunks, count, torch.cat(self.clip_l.seen, dim=1),
                torch.cat(self.clip_g.seen, dim=1))

    def pad_cond_uncond(self, cond, uncond):
        return self.denoiser.pad_cond_uncond(cond, uncond)
