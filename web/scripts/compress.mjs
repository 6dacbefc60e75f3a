// After `next build`: a .gz (gzip -9) and a .br (brotli 11) beside every
// text file of the export, so that nginx serves them as they are
// (gzip_static, brotli_static) and compresses nothing per request.
// A compressed copy that is not smaller is not written.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const out = new URL('../out/', import.meta.url).pathname;
const TEXT = /\.(html|js|css|txt|json|svg|map)$/;

function* files(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else yield p;
  }
}

let n = 0;
let raw = 0;
let br = 0;
for (const f of [...files(out)]) {
  if (/\.(gz|br)$/.test(f)) {
    rmSync(f);
    continue;
  }
  if (!TEXT.test(f)) continue;
  const body = readFileSync(f);
  const gz = gzipSync(body, { level: 9 });
  const b = brotliCompressSync(body, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
  });
  if (gz.length < body.length) writeFileSync(f + '.gz', gz);
  if (b.length < body.length) writeFileSync(f + '.br', b);
  n++;
  raw += body.length;
  br += Math.min(b.length, body.length);
}
console.log(`compress: ${n} files, ${(raw / 1000).toFixed(0)} kB -> ${(br / 1000).toFixed(0)} kB brotli (.br and .gz beside each)`);
