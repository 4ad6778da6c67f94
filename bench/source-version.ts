import { execFileSync } from 'node:child_process';

/** The commit the measured code was built from, and whether the working tree had changes on top of it. */
export interface SourceVersion {
  commit: string;
  /** Files with uncommitted changes under `libs/` and `src/`, the code under test. */
  changedFiles: number;
}

/** Reads the version with git; returns undefined outside a git checkout or without git. */
export function describeSourceVersion(): SourceVersion | undefined {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const status = execFileSync('git', ['status', '--porcelain', '--', 'libs', 'src'], { encoding: 'utf8' });
    return { commit, changedFiles: status.split('\n').filter((line) => line.trim() !== '').length };
  } catch {
    return undefined;
  }
}
