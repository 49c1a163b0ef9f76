"""Goldens for `<lora:name:weight>` prompt tags, made by A1111's own extra-networks parser.

    python3 bench/reference/make_lora_tag_goldens.py A1111_EXTRA_NETWORKS_PY OUT.json

A1111_EXTRA_NETWORKS_PY is stable-diffusion-webui's modules/extra_networks.py (checked with
commit 013e42234374d66da2107f8240f7383e64a2208a, AGPL-3.0; not copied here). Its imports of
`modules.errors` and `modules.prompt_parser` are stubbed: parse_prompt uses only
prompt_parser.remove_comment_lines, which changes nothing unless the "prompt comments" option is
on (none of these prompts has a '#' line). For each prompt the JSON has the prompt with the tags
removed and, per extra-network kind, each tag's positional and named arguments (ExtraNetworkParams).
No torch is needed.
"""
import importlib.util
import json
import sys
import types

PROMPTS = [
    "a cat <lora:style:0.5>, red", "<lora:style>photo", "x <lora:style:te=0.3:unet=0.3> y",
    "a < b: c> <lora:x:1", "<lora:<lora:x>", "ünï <lyco:ké:0.25>\nnext",
    "<lora:a:0.5><lora:b:1.5> two", "no tags at all", "<lora:>", "<lora::0.5>", "<:x>",
    "<lora:a:b=c=d>", "<lora:a: 0.75 >", "<hypernet:h:1> <lora:a>", "(red:1.2) <lora:a:-1>",
    "<embedding_like>", "<lora:sub dir:2>", "<lora:a:1:0.5>", "<lora:a:0.5:dyn=4>",
]


def load_extra_networks(path):
    modules = types.ModuleType("modules")
    errors = types.ModuleType("modules.errors")
    errors.display = lambda e, task: None
    prompt_parser = types.ModuleType("modules.prompt_parser")
    prompt_parser.remove_comment_lines = lambda text: text
    modules.errors, modules.prompt_parser = errors, prompt_parser
    sys.modules.update({"modules": modules, "modules.errors": errors,
                        "modules.prompt_parser": prompt_parser})
    spec = importlib.util.spec_from_file_location("a1111_extra_networks", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    extra_networks = load_extra_networks(sys.argv[1])
    cases = []
    for prompt in PROMPTS:
        stripped, found = extra_networks.parse_prompt(prompt)
        tags = {kind: [{"positional": p.positional, "named": p.named} for p in params]
                for kind, params in found.items()}
        cases.append({"prompt": prompt, "stripped": stripped, "tags": tags})
    with open(sys.argv[2], "w", encoding="utf-8") as out:
        json.dump({"source": "AUTOMATIC1111/stable-diffusion-webui modules/extra_networks.py "
                             "013e42234374d66da2107f8240f7383e64a2208a",
                   "cases": cases}, out, ensure_ascii=False, indent=1)
        out.write("\n")


if __name__ == "__main__":
    main()
