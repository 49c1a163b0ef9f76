// Token ids of a 10,000-word prompt from Hugging Face's tokenizers library itself (npm package
// `tokenizers` 0.23.2: the Node bindings of the Rust library behind transformers 5.17's
// CLIPTokenizer, the version the fixtures' tokenizer goldens were made with), for
// tests/core/test_tokenizer.cpp `longPrompt`.
//
//   (cd DIR && npm install tokenizers@0.23.2)
//   NODE_PATH=DIR/node_modules node bench/reference/long_prompt_tokens.mjs FIXTURES OUT.json
//
// The tokenizer is openai/clip-vit-large-patch14's tokenizer.json
// (tests/data/foreign/clip-vit-large-patch14; its vocab and merges are byte-identical to the
// fixtures'). tokenizer_2 is the same with "!" added as a special token, as transformers does
// for its pad token "!". Both set-ups are first checked against the fixtures'
// golden/tokenizer_cases.json (297 prompts, made by transformers); any difference stops the run.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { Tokenizer } = require("tokenizers");

const WORDS = ["photorealistic", "Moroccan", "marketplace", "at", "sunset,", "(ultra:1.2)", "café",
  "8k", "don't", "東京", "wow!!!", "supercalifragilisticexpialidocious", "🐱"];
const TOKENIZER_JSON = new URL("../../tests/data/foreign/clip-vit-large-patch14/tokenizer.json",
  import.meta.url).pathname;

function tokenizer(withBangSpecial) {
  const t = Tokenizer.fromFile(TOKENIZER_JSON);
  if (withBangSpecial) t.addSpecialTokens(["!"]);
  return t;
}

async function ids(t, text) {
  return (await t.encode(text)).getIds();
}

// What transformers' `tokenizer([prompt], padding="max_length", max_length=77, truncation=True)`
// makes of untruncated ids: the text cut to 75 tokens between begin and end, padded with
// tokenizer_2's pad id 0 ("!").
function padded77(untruncated) {
  const text = untruncated.slice(1, -1).slice(0, 75);
  const ids = [untruncated[0], ...text, untruncated[untruncated.length - 1]];
  while (ids.length < 77) ids.push(0);
  return ids;
}

async function checkAgainstFixtures(fixtures, t1, t2) {
  const cases = JSON.parse(readFileSync(`${fixtures}/golden/tokenizer_cases.json`, "utf8"));
  const list = Array.isArray(cases) ? cases : cases.cases;
  let checked = 0;
  for (const c of list) {
    const mine1 = await ids(t1, c.prompt);
    const mine2 = await ids(t2, c.prompt);
    const same1 = JSON.stringify(mine1) === JSON.stringify(c.ids_untruncated);
    const same2 = JSON.stringify(padded77(mine2)) === JSON.stringify(c.ids_2);
    if (!same1 || !same2) throw new Error(`differs from the fixtures' golden: ${JSON.stringify(c.prompt)}`);
    ++checked;
  }
  return checked;
}

const [fixtures, outPath] = process.argv.slice(2);
const t1 = tokenizer(false), t2 = tokenizer(true);
const checked = await checkAgainstFixtures(fixtures, t1, t2);
const prompt = Array.from({ length: 10000 }, (_, i) => WORDS[(i * 7) % WORDS.length]).join(" ");
const result = { generator: "bench/reference/long_prompt_tokens.mjs", tokenizers: "0.23.2",
  checked_against_fixture_cases: checked, words: 10000, prompt,
  ids: await ids(t1, prompt), ids_2: await ids(t2, prompt) };
writeFileSync(outPath, JSON.stringify(result) + "\n");
console.log(`${checked} fixture cases agree; ${result.ids.length} and ${result.ids_2.length} ids`);
