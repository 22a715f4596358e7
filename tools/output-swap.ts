/**
 * out/<stack>/ is replaced whole or not at all: a run writes into a staging
 * folder beside it and swaps it in only when every step has written; a run
 * that fails removes the previous output, so nothing (a person, a CI artifact
 * step) reads an old plan as the current one.
 */
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";

export interface StagedOutput {
  /** Where the steps write. */
  readonly dir: string;
  /** Puts the staged folder in place of the final one. */
  commit(): void;
  /** Drops the staged folder. */
  discard(): void;
}

export function stageOutput(finalDir: string): StagedOutput {
  const parent = dirname(finalDir);
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, `.${basename(finalDir)}.staging-`));
  return {
    dir,
    commit() {
      // Renames within one folder: the final path holds the old or the new output, never a mix.
      const old = existsSync(finalDir) ? `${dir}.replaced` : undefined;
      if (old) renameSync(finalDir, old);
      renameSync(dir, finalDir);
      if (old) rmSync(old, { recursive: true, force: true });
    },
    discard() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Removes the output of an earlier run after a failed one; true when there was one. */
export function removeStaleOutput(finalDir: string): boolean {
  if (!existsSync(finalDir)) return false;
  rmSync(finalDir, { recursive: true, force: true });
  return true;
}
