/** Whether a program is on PATH (tests of real clients skip, with a printed reason, when it is not). */
import { execFileSync } from 'node:child_process';

export function have(bin: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
