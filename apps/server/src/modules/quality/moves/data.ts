/**
 * The MathDial file (../shared/data/mathdial/dialogues.jsonl beside the repository, see its README): read
 * whole for training and evaluation, with its SHA-256 so a model records what it was trained on.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readMathDialLine, type LabelledDialogue } from './dialogue';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../../..');
export const DEFAULT_MATHDIAL_PATH = path.resolve(REPO_ROOT, '../shared/data/mathdial/dialogues.jsonl');

export type MathDialFile = { path: string; sha256: string; dialogues: LabelledDialogue[] };

/** Reads every line; a malformed line is an error here (the training data must be whole). */
export function readMathDialFile(file = DEFAULT_MATHDIAL_PATH): MathDialFile {
  const text = readFileSync(file, 'utf8');
  const dialogues: LabelledDialogue[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      dialogues.push(readMathDialLine(JSON.parse(line), i + 1));
    } catch (err) {
      throw new Error(`${file} line ${i + 1}: ${(err as Error).message}`);
    }
  });
  return { path: file, sha256: createHash('sha256').update(text).digest('hex'), dialogues };
}
