// The official `openai` npm client (version pinned in package-lock.json) against `lightning serve`:
//   node generate.mjs BASE_URL OUT_DIR
// images.generate with b64_json: each image is written to OUT_DIR/image-N.png (the QtTest
// test_serve_openai_npm decodes them). Then a refused request (response_format "url"): the
// client's APIError. Prints one JSON line: {"images": [...paths], "refused": {status, message}}.
import OpenAI from 'openai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [baseURL, outDir] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey: 'unused-on-loopback', maxRetries: 0 });

// seed and steps: our fields, which OpenAI's clients pass through in the body.
const result = await client.images.generate({
  prompt: 'a red boat',
  n: 2,
  size: '64x64',
  response_format: 'b64_json',
  seed: 11,
  steps: 2,
});
const images = result.data.map((image, i) => {
  const path = join(outDir, `image-${i}.png`);
  writeFileSync(path, Buffer.from(image.b64_json, 'base64'));
  return path;
});

let refused = null;
try {
  await client.images.generate({ prompt: 'x', response_format: 'url' });
} catch (error) {
  if (!(error instanceof OpenAI.APIError)) throw error;
  refused = { status: error.status, message: error.error?.message ?? error.message };
}
console.log(JSON.stringify({ images, refused }));
