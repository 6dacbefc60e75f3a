// A static export (web/out): nginx serves it next to the API, CloudFront/S3
// on AWS.  No server features: no dynamic routes, no middleware, no image
// optimisation.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

// The build id is in every page's inline scripts, whose hashes the CSP
// lists: derived from the sources (not random per build, Next's default),
// the same sources give the same pages and the same policy.
function sourceHash() {
  const h = createHash('sha256');
  const walk = (dir) => {
    for (const e of readdirSync(join(here, dir), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else h.update(p + '\0').update(readFileSync(join(here, p))).update('\0');
    }
  };
  for (const d of ['app', 'components', 'lib']) walk(d);
  for (const f of ['package-lock.json', 'next.config.mjs', 'tsconfig.json']) h.update(readFileSync(join(here, f)));
  return h.digest('hex').slice(0, 20);
}

/** @type {import('next').NextConfig} */
const config = {
  output: 'export',
  reactStrictMode: true,
  poweredByHeader: false,
  images: { unoptimized: true },
  generateBuildId: async () => sourceHash(),
  // the repo root has its own package-lock.json (the stack's stand-ins)
  outputFileTracingRoot: here,
  // ESLint runs as a test (tests/web/run.sh), not in every build
  eslint: { ignoreDuringBuilds: true },
};

export default config;
