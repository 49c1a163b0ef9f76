"""Parser goldens for Lightning Studio's prompt syntaxes, made by the third-party parsers themselves.

    python3 bench/reference/make_parse_goldens.py A1111_PROMPT_PARSER_PY COMPEL_PROMPT_PARSER_PY OUT.json

- a1111: stable-diffusion-webui's `parse_prompt_attention` (modules/prompt_parser.py, loaded from
  the given source file; lark is stubbed because only the attention parser is used).
- compel: compel's `PromptParser().parse_conjunction` (src/compel/prompt_parser.py, needs only
  pyparsing), flattened to the fragments compel encodes: one list of [text, weight] per `.and()`
  part, or the exception compel raises.
No torch is needed; this runs on the development machine.
"""
import importlib.util
import json
import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from third_party import load_parse_prompt_attention  # noqa: E402

A1111_PROMPTS = [
    "", "normal text", "an (important) word", "(unbalanced", "\\(literal\\]",
    "(unnecessary)(parens)", "a (((house:1.3)) [on] a (hill:0.5), sun, (((sky))).",
    "a [[[dim]]] word", "[[a]:2]", "(a:0.5) [b:0.5]", "((a:1.2):1.5)", "(a:-1)", "(a: 1.5 )",
    "(a:+2)", "(a:.5)", "(a:5.)", "a:b", "a : b", "(a:b)", "(a:b:1.5)", "a ) b ] c", "a ( b [ c",
    "(a [b) c]", "\\\\", "a\\b", "\\a", "\\(", "\\)", "\\[", "\\]", "\\\\(x)", "(\\(x\\):1.2)",
    "a cat BREAK a dog", "BREAK a dog", "a cat BREAK", "a BREAK BREAK b", "aBREAK b",
    "a BREAKS b", "(a BREAK b:1.2)", "a\nBREAK\nb", "[a BREAK b]", "BREAK", "BREAKBREAK",
    "  leading and trailing  ", "tab\tand\nnewline", "(a)(b)", "(a)[b]", "((a)b)", "[(a)]",
    "(a|b)", "[a|b]", "a, (b:1.1), c", "émoji 🎉 (ünïcode:1.2)", "(a::1.2)", "((a:1.1):0.9)",
]

COMPEL_PROMPTS = [
    "", "   ", "a photo of a red++ fox sitting in a snowy forest", "word+ word- word",
    "(a lighthouse on a rocky cliff)1.4, stormy sea", "snow--, warm light", "(bananas)0.5",
    "(a knight (in silver armor)1.3 riding a horse)1.1 through", "\\(open\\) door",
    "a \\\"quote\\\" here", "(a)-", "(a)+++", "(a)0", "(a)-1", "(a).5", "(a)1.", "(a)-0.5",
    "red.attend(0.5)", "(a b).attend(1.5) c", "red .attend(2)", "a  b   c", "(red, blue)",
    "(wow,.)", "a + b", "\"a + b\"", "a - b", "a -b", "a- b", "red-haired girl", "x++y",
    "+x", "-x", "-5 degrees", "3.5 stars", "é++", "a=b", "(a=b)1.1", "x)y", "(unclosed",
    "a (b", "a \"quoted\" b", "\"unclosed quote", "(a \"b\" c)1.2", "a (b)1.2c",
    "a,b,c", "a,,b", "a ,b", "hello.world", "a\\b", "a\\,b", "cat\"s",
    "(\"a red fox\", \"snow\").and()", "(\"a red fox\", \"snow\").and() trailing",
    "(\"a\", \"b\").and(1, 1)", "(\"a\", \"b\").and(1, 0.5)", "(red, blue).and()",
    "(\"a (red)1.5 fox\", \"b\").and()", "withLora(foo, 0.5) a cat", "a cat withLora(foo)",
    "(\"a\",\"b\").blend(0.5,0.5)", "a cat.swap(dog)", "\"a\"++ b", "(\"a\")1.2",
    "tab\there", "line\nbreak", "a\"b\"c", "\"\"", "a \"\" b", "(a) (b)", "((a))1.2",
    "(((a)1.1)1.1)1.1", "a (b c)- d", "a \"b c\"-- d", "<neg1>, (blurry)1.3",
    "a (<style3>)1.2 painting, boats--", "100% (pure)1.1", "A1111 style (x:1.2) is literal",
    "[not weighted]", "a\\(b\\)c++",
]


def load_compel_parser(path):
    spec = importlib.util.spec_from_file_location("compel_prompt_parser", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def compel_case(module, prompt):
    try:
        conjunction = module.PromptParser().parse_conjunction(prompt)
    except Exception as e:  # compel's own failures are part of the record
        return {"prompt": prompt, "error": type(e).__name__}
    parts = []
    for part, weight in zip(conjunction.prompts, conjunction.weights):
        if type(part).__name__ != "FlattenedPrompt":
            return {"prompt": prompt, "error": "unsupported:" + type(part).__name__}
        for f in part.children:
            if type(f).__name__ != "Fragment":  # .swap(): compel 2.4.0 fails when encoding it
                return {"prompt": prompt, "error": "unsupported:" + type(f).__name__}
        parts.append({"weight": weight, "fragments": [[f.text, f.weight] for f in part.children]})
    return {"prompt": prompt, "parts": parts}


def main():
    a1111_path, compel_path, out_path = sys.argv[1:4]
    parse = load_parse_prompt_attention(a1111_path)
    compel = load_compel_parser(compel_path)
    import pyparsing
    doc = {
        "generator": "bench/reference/make_parse_goldens.py",
        "a1111_source": "AUTOMATIC1111/stable-diffusion-webui modules/prompt_parser.py "
                        "@ 28bd8e142d5f77b71ae8d7d7140b5da1b3a49906 (parse_prompt_attention)",
        "compel_source": "damian0815/compel v2.4.0 src/compel/prompt_parser.py "
                         "@ c60b9fbc7fa9eb443af96c326951589b5ca7a299",
        "pyparsing": pyparsing.__version__,
        "a1111": [{"prompt": p, "parsed": parse(p)} for p in A1111_PROMPTS],
        "compel": [compel_case(compel, p) for p in COMPEL_PROMPTS],
    }
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
