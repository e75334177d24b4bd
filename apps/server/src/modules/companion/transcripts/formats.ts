/**
 * Transcript formats a student or tutor can upload — plain text ("Tutor: …" lines), WebVTT, SRT, and JSON
 * speaker-labelled turns — turned into one form: speaker-labelled lines, then turns (the quality module's
 * parser). Pure.
 */
import { z } from 'zod';
import { parseTranscript, type ParsedTranscript } from '../../quality/index';

export type TranscriptFormat = 'text' | 'vtt' | 'srt' | 'json';

export class TranscriptFormatError extends Error {}

const CUE_TIME = /^\s*(?:\d{1,2}:)?\d{1,2}:\d{2}[.,]\d{1,3}\s*-->\s*(?:\d{1,2}:)?\d{1,2}:\d{2}[.,]\d{1,3}/;

export function detectFormat(text: string): TranscriptFormat {
  const head = text.trimStart();
  if (head.startsWith('WEBVTT')) return 'vtt';
  if (head.startsWith('[') || head.startsWith('{')) return 'json';
  const lines = head.split(/\r?\n/, 4);
  if (/^\d+\s*$/.test(lines[0] ?? '') && CUE_TIME.test(lines[1] ?? '')) return 'srt';
  return 'text';
}

/** WebVTT and SRT cues: timing lines and cue numbers dropped, `<v Name>` voice tags read as labels. */
function cuesToLines(text: string, kind: 'vtt' | 'srt'): string[] {
  const out: string[] = [];
  const blocks = text.replace(/\r\n?/g, '\n').split(/\n\s*\n/);
  for (const block of blocks) {
    const lines = block.split('\n').filter((l) => l.trim() !== '');
    const timing = lines.findIndex((l) => CUE_TIME.test(l));
    if (timing < 0) continue; // header, NOTE, STYLE, REGION blocks
    for (const raw of lines.slice(timing + 1)) {
      let line = raw.trim();
      const voice = /^<v(?:\.[\w.-]+)?\s+([^>]+)>(.*)$/.exec(line);
      if (voice) line = `${voice[1]!.trim()}: ${voice[2]!}`;
      line = line.replace(/<\/?[^>]+>/g, '').trim();
      if (kind === 'srt') line = line.replace(/\{\\[^}]*\}/g, '');
      if (line) out.push(line);
    }
  }
  return out;
}

const ZTurn = z.looseObject({
  speaker: z.string().optional(),
  role: z.string().optional(),
  name: z.string().optional(),
  text: z.string().optional(),
  content: z.string().optional(),
  utterance: z.string().optional(),
});
const ZTurns = z.union([
  z.array(ZTurn),
  z.looseObject({ turns: z.array(ZTurn) }).transform((o) => o.turns),
  z.looseObject({ messages: z.array(ZTurn) }).transform((o) => o.messages),
  z.looseObject({ transcript: z.array(ZTurn) }).transform((o) => o.transcript),
]);

function jsonToLines(text: string): string[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new TranscriptFormatError('The transcript is not valid JSON');
  }
  const parsed = ZTurns.safeParse(data);
  if (!parsed.success)
    throw new TranscriptFormatError(
      'JSON transcripts are an array of turns ({speaker, text}) or {turns: [...]}',
    );
  return parsed.data.flatMap((t) => {
    const label = (t.speaker ?? t.role ?? t.name ?? 'Speaker').replace(/[:\n]/g, ' ').trim().slice(0, 40);
    const said = (t.text ?? t.content ?? t.utterance ?? '').replace(/\s+/g, ' ').trim();
    return said ? [`${label || 'Speaker'}: ${said}`] : [];
  });
}

export type NormalizedTranscript = { format: TranscriptFormat; text: string; parsed: ParsedTranscript };

/** Any accepted format → speaker-labelled lines and their turns. Throws TranscriptFormatError. */
export function normalizeTranscript(raw: string, format?: TranscriptFormat): NormalizedTranscript {
  const f = format ?? detectFormat(raw);
  const lines =
    f === 'vtt' || f === 'srt'
      ? cuesToLines(raw, f)
      : f === 'json'
        ? jsonToLines(raw)
        : raw.replace(/\r\n?/g, '\n').split('\n');
  const text = lines.join('\n').trim();
  if (!text) throw new TranscriptFormatError('The transcript has no text');
  const parsed = parseTranscript(text);
  if (parsed.turns.length === 0)
    throw new TranscriptFormatError('No speaker turns found (expected lines like "Tutor: …")');
  return { format: f, text, parsed };
}
