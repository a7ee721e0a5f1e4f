import { max, min } from './extremum.js';
import { log } from './log.js';
import type { MergeRule } from './mergeRule.js';
import { lww } from './lww.js';
import { mv } from './mv.js';
import { once } from './once.js';
import { orSet } from './orSet.js';

/** Names of the rules every schema knows (docs/architecture.md, "Merge rules"). */
export type BuiltinRuleName = 'lww' | 'mv' | 'once' | 'max' | 'min' | 'set' | 'log';

/** The built-in rules by name. */
export const builtinRules: Readonly<Record<BuiltinRuleName, MergeRule>> = Object.freeze({
  lww: lww as unknown as MergeRule,
  mv: mv as unknown as MergeRule,
  once: once as unknown as MergeRule,
  max: max as unknown as MergeRule,
  min: min as unknown as MergeRule,
  set: orSet as unknown as MergeRule,
  log: log as unknown as MergeRule,
});
