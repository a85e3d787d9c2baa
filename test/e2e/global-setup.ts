/** Builds both extensions once before the browser tests (unless UPWATCH_SKIP_BUILD=1 says they are fresh). */
import { execFileSync } from 'node:child_process';
import { ROOT } from '../harness/paths';

export default function setup(): void {
  if (process.env.UPWATCH_SKIP_BUILD === '1') return;
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
}
