"""AUTOMATIC1111's SDXL prompt conditioning, re-stated on diffusers-style tokenizers/encoders.

This is a reference for Lightning Studio's `--prompt-syntax a1111`, written in our own words
and code. It follows, step by step, stable-diffusion-webui:
  [PP]  modules/prompt_parser.py   @ 28bd8e142d5f77b71ae8d7d7140b5da1b3a49906
  [HC]  modules/sd_hijack_clip.py  @ 00e09382cd85c77ac35545c7264855823dfc2eb1
  [EM]  modules/sd_emphasis.py     @ f8391b8a8ff61bf7ebcddc9b387e6c2f206ed056
  [XL]  modules/sd_models_xl.py    @ a3ddf464a2ed24c999f67ddfef7969f8291567be
  [CD]  modules/sd_samplers_cfg_denoiser.py @ 72632242f7d612c7cb1c1b0b9f86ffcbfeb4e1e8
The attention parser itself is not re-stated: `load_parse_prompt_attention` runs [PP]'s own
`parse_prompt_attention` from the webui source file.

Deliberate choices (documented in core/text/prompt_encoder.h too):
- Both encoders get token ids from the CLIP-L tokenizer (`tokenizer`). A1111 tokenizes the
  OpenCLIP-bigG side with open_clip's SimpleTokenizer, which, like CLIP-L's and unlike
  diffusers' `tokenizer_2`, has no added "!" token; for ordinary text both give the same ids.
- Hidden states are `hidden_states[-2]` of transformers' CLIPTextModel(WithProjection), the
  layers A1111 takes for SDXL ("hidden" layer 11 of CLIP-L, "penultimate" of bigG).
"""
import torch

from third_party import load_parse_prompt_attention  # noqa: F401 (re-exported)

CHUNK_LENGTH = 75            # [HC] FrozenCLIPEmbedderWithCustomWordsBase.__init__: chunk_length
COMMA_PADDING_BACKTRACK = 20  # webui option comma_padding_backtrack, default 20


class Chunk:
    """[HC] PromptChunk: 77 token ids and their multipliers."""

    def __init__(self):
        self.tokens = []
        self.multipliers = []


class A1111Conditioner:
    def __init__(self, tokenizer, text_encoder, text_encoder_2, parse_prompt_attention,
                 pad_id_2=0):
        self.tokenizer = tokenizer
        self.encoders = [text_encoder, text_encoder_2]
        self.parse = parse_prompt_attention
        # [HC] FrozenCLIPEmbedderWithCustomWords.__init__: comma token, start and end ids.
        self.comma_token = tokenizer.get_vocab()[",</w>"]
        self.id_start = tokenizer.bos_token_id
        self.id_end = tokenizer.eos_token_id
        # [HC] id_pad per embedder: CLIP-L pads with id_end; bigG (open_clip) pads with 0.
        self.id_pads = [self.id_end, pad_id_2]

    # [HC] tokenize_line
    def tokenize_line(self, line):
        parsed = self.parse(line)  # emphasis option "Original" != "None": the prompt is parsed
        tokenized = self.tokenizer([text for text, _ in parsed], truncation=False,
                                   add_special_tokens=False)["input_ids"]
        chunks = []
        state = {"chunk": Chunk(), "token_count": 0, "last_comma": -1}

        def next_chunk(is_last=False):
            chunk = state["chunk"]
            state["token_count"] += len(chunk.tokens) if is_last else CHUNK_LENGTH
            missing = CHUNK_LENGTH - len(chunk.tokens)
            if missing > 0:
                chunk.tokens += [self.id_end] * missing
                chunk.multipliers += [1.0] * missing
            chunk.tokens = [self.id_start] + chunk.tokens + [self.id_end]
            chunk.multipliers = [1.0] + chunk.multipliers + [1.0]
            state["last_comma"] = -1
            chunks.append(chunk)
            state["chunk"] = Chunk()

        for tokens, (text, weight) in zip(tokenized, parsed):
            if text == "BREAK" and weight == -1:
                next_chunk()
                continue
            for token in tokens:
                chunk = state["chunk"]
                if token == self.comma_token:
                    state["last_comma"] = len(chunk.tokens)
                elif (COMMA_PADDING_BACKTRACK != 0 and len(chunk.tokens) == CHUNK_LENGTH
                      and state["last_comma"] != -1
                      and len(chunk.tokens) - state["last_comma"] <= COMMA_PADDING_BACKTRACK):
                    # The text after the last comma moves to the next chunk.
                    cut = state["last_comma"] + 1
                    moved_tokens, moved_mults = chunk.tokens[cut:], chunk.multipliers[cut:]
                    chunk.tokens, chunk.multipliers = chunk.tokens[:cut], chunk.multipliers[:cut]
                    next_chunk()
                    state["chunk"].tokens = moved_tokens
                    state["chunk"].multipliers = moved_mults
                if len(state["chunk"].tokens) == CHUNK_LENGTH:
                    next_chunk()
                state["chunk"].tokens.append(token)
                state["chunk"].multipliers.append(weight)
        if state["chunk"].tokens or not chunks:
            next_chunk(is_last=True)
        return chunks, state["token_count"]

    def empty_chunk(self):
        """[HC] empty_chunk: padding chunk used when a batch's prompts have different lengths."""
        chunk = Chunk()
        chunk.tokens = [self.id_start] + [self.id_end] * (CHUNK_LENGTH + 1)
        chunk.multipliers = [1.0] * (CHUNK_LENGTH + 2)
        return chunk

    def encoder_ids(self, chunk, k):
        """[HC] process_tokens: where id_end != id_pad, everything after the first id_end
        becomes id_pad."""
        ids = list(chunk.tokens)
        if self.id_end != self.id_pads[k]:
            first_end = ids.index(self.id_end)
            ids[first_end + 1:] = [self.id_pads[k]] * (len(ids) - first_end - 1)
        return torch.tensor([ids], dtype=torch.long)

    @torch.no_grad()
    def encode_chunk(self, chunk, k):
        ids = self.encoder_ids(chunk, k)
        out = self.encoders[k](ids, output_hidden_states=True)
        z = out.hidden_states[-2]
        pooled = None
        if k == 1:
            # sgm FrozenOpenCLIPEmbedder2.pool: final-norm output at argmax(ids), projected.
            # (A1111's textual-inversion positions carry id 0, so argmax is the first end token.)
            position = int(ids[0].argmax())
            last = out.last_hidden_state[:, position]
            pooled = self.encoders[1].text_projection(last)
        # [EM] EmphasisOriginal.after_transformers
        multipliers = torch.asarray([chunk.multipliers])
        original_mean = z.mean()
        z = z * multipliers.reshape(multipliers.shape + (1,)).expand(z.shape)
        new_mean = z.mean()
        z = z * (original_mean / new_mean)
        return z, pooled

    @torch.no_grad()
    def encode(self, line):
        """[HC] forward for one text, both embedders, then [XL]'s conditioner concatenation:
        crossattn = cat(CLIP-L, bigG) on channels; pooled = bigG's first chunk."""
        chunks, token_count = self.tokenize_line(line)
        return self.encode_chunks(chunks), chunks, token_count

    @torch.no_grad()
    def encode_chunks(self, chunks):
        per_encoder = [[], []]
        pooled = None
        for chunk in chunks:
            for k in range(2):
                z, p = self.encode_chunk(chunk, k)
                per_encoder[k].append(z)
                if k == 1 and pooled is None:
                    pooled = p
        cond = torch.cat([torch.hstack(per_encoder[0]), torch.hstack(per_encoder[1])], dim=2)
        return cond, pooled

    @torch.no_grad()
    def encode_negative(self, line):
        """[XL] get_learned_conditioning: an all-empty negative batch gives zero embeddings
        (force_zero_embeddings=['txt']) with the shape of the empty prompt's encoding."""
        (cond, pooled), chunks, count = self.encode(line)
        if line == "":
            cond, pooled = torch.zeros_like(cond), torch.zeros_like(pooled)
        return (cond, pooled), chunks, count

    @torch.no_grad()
    def pad_cond_uncond(self, cond, uncond):
        """[CD] pad_cond_uncond with pad_cond: the shorter of cond/uncond gets copies of the empty
        prompt's conditioning (sd_models' cond_stage_model_empty_prompt = encoding of "")."""
        (empty, _), _, _ = self.encode("")
        repeats = (cond.shape[1] - uncond.shape[1]) // empty.shape[1]
        if repeats < 0:
            cond = torch.cat([cond, empty.repeat((cond.shape[0], -repeats, 1))], axis=1)
        elif repeats > 0:
            uncond = torch.cat([uncond, empty.repeat((uncond.shape[0], repeats, 1))], axis=1)
        return cond, uncond
