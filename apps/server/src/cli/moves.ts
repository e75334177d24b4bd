/**
 * `tutorpulse moves`: labels every tutor turn of a set of transcripts with its move (focus, probing, telling,
 * generic) and scores each session's guidance and quality from those moves. Reads JSON lines, one dialogue a
 * line, in Tutorpulse's format (`{"id", "turns": [{"speaker": "tutor" | "student", "text"}]}`, optionally with
 * `question` and `solution`) or MathDial's (`--format mathdial`); writes one line per dialogue:
 * `{"id", "moves": [...], "confidence": [...], "guidance": 0-100, "quality": 0-100}`.
 * A malformed line is reported on stderr with its line number and skipped; the rest go on. Needs no database.
 */
import { once } from 'node:events';
import { open, type FileHandle } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { ZodError } from 'zod';
import { readDialogueLine, readMathDialLine, type Dialogue } from '../modules/quality/index';
import { loadMoveClassifier, type MoveClassifier } from '../modules/quality/index';
import { scoreSessionMoves } from '../modules/quality/index';

export type MovesFormat = 'tutorpulse' | 'mathdial';

export type MovesCommandOptions = {
  /** A file path, or "-" for standard input. */
  input: string;
  /** A file path, or "-" (the default) for standard output. */
  output?: string;
  format: MovesFormat;
};

export type MovesCommandResult = { labelled: number; rejected: number; tutorTurns: number; version: string };

/** Output line of one dialogue. */
export type MovesOutputLine = {
  id: string;
  moves: string[];
  confidence: number[];
  guidance: number;
  quality: number;
};

function describeError(err: unknown): string {
  if (err instanceof SyntaxError) return `not JSON (${err.message})`;
  if (err instanceof ZodError) {
    const issue = err.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'the line';
    return `${where}: ${issue?.message ?? 'invalid'}${err.issues.length > 1 ? ` (and ${err.issues.length - 1} more)` : ''}`;
  }
  return err instanceof Error ? err.message : String(err);
}

let classifier: MoveClassifier | null = null;

/** Runs the command over streams (tests pass their own); reports bad lines through `reportLine`. */
export async function labelTranscripts(
  input: Readable,
  output: Writable,
  format: MovesFormat,
  reportLine: (line: number, message: string) => void,
): Promise<MovesCommandResult> {
  classifier ??= loadMoveClassifier();
  const result: MovesCommandResult = { labelled: 0, rejected: 0, tutorTurns: 0, version: classifier.version };
  let lineNumber = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    lineNumber++;
    if (line.trim() === '') continue;
    let dialogue: Dialogue;
    try {
      const value: unknown = JSON.parse(line);
      dialogue = format === 'mathdial' ? readMathDialLine(value, lineNumber) : readDialogueLine(value);
    } catch (err) {
      result.rejected++;
      reportLine(lineNumber, describeError(err));
      continue;
    }
    const moves = classifier.labelDialogue(dialogue);
    const scores = await scoreSessionMoves(dialogue.turns, moves);
    const out: MovesOutputLine = {
      id: dialogue.id,
      moves: moves.map((m) => m.move),
      confidence: moves.map((m) => Math.round(m.confidence * 1000) / 1000),
      guidance: scores.guidance,
      quality: scores.quality,
    };
    result.labelled++;
    result.tutorTurns += moves.length;
    if (!output.write(`${JSON.stringify(out)}\n`)) await once(output, 'drain');
  }
  return result;
}

/** The command: opens the files (a missing input or an unwritable output fails before anything is read). */
export async function runMovesCommand(
  opts: MovesCommandOptions,
  reportLine: (line: number, message: string) => void,
): Promise<MovesCommandResult> {
  const inHandle = opts.input === '-' ? null : await open(opts.input, 'r');
  const toStdout = !opts.output || opts.output === '-';
  let outHandle: FileHandle | null = null;
  try {
    outHandle = toStdout ? null : await open(opts.output!, 'w');
    const input = inHandle ? inHandle.createReadStream() : process.stdin;
    const output = outHandle ? outHandle.createWriteStream() : process.stdout;
    let writeError: Error | null = null;
    output.on('error', (err) => (writeError ??= err));
    const result = await labelTranscripts(input, output, opts.format, reportLine);
    if (outHandle) {
      output.end();
      await once(output, 'close');
      outHandle = null; // the stream closed the handle
    }
    if (writeError) throw writeError;
    return result;
  } finally {
    await outHandle?.close();
    await inHandle?.close().catch(() => undefined);
  }
}
