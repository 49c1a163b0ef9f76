"""Loaders for third-party reference code that runs from its own source files."""
import importlib.util
import sys
import types


def install_lark_stub():
    """The webui's modules/prompt_parser.py builds a lark grammar for prompt scheduling at import;
    parse_prompt_attention does not use it, so lark is replaced by a stub that accepts the
    grammar."""
    stub = types.ModuleType("lark")

    class _Lark:
        def __init__(self, *args, **kwargs):
            pass

    stub.Lark = _Lark
    stub.Visitor = object
    stub.Transformer = object
    stub.exceptions = types.SimpleNamespace(LarkError=Exception)
    sys.modules.setdefault("lark", stub)


def load_parse_prompt_attention(path):
    """Imports parse_prompt_attention from the webui's modules/prompt_parser.py (which also
    imports torch at module level)."""
    install_lark_stub()
    spec = importlib.util.spec_from_file_location("a1111_prompt_parser", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.parse_prompt_attention


def load_module(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
