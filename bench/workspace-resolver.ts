/**
 * Loaded with `node --import` before the benchmark and its server processes. It makes
 * `nestjs-nylas-connect` and `nylas-emulator` resolve to the copies that `tsc -p bench`
 * compiled from their sources, as the tsconfig path mapping does at compile time. The benchmark
 * therefore needs no `npm run build`, and another build that replaces `libs/<package>/dist`
 * during a run cannot change the code under test.
 */
import { register } from 'node:module';

register('./workspace-resolve-hooks.js', import.meta.url);
