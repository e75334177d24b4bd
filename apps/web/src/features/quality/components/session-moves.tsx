import type { TSessionMoveProfile } from '@tutorpulse/contracts/quality';

/** What each move means for a coach (the README's "Tutor moves" table, shortened). */
export const MOVE_INFO = {
  focus: { label: 'Focus', color: 'bg-sky-500', help: 'points the student at a step or quantity' },
  probing: { label: 'Probing', color: 'bg-indigo-500', help: 'asks the student to explain or reflect' },
  telling: { label: 'Telling', color: 'bg-amber-500', help: 'gives part of the solution or the answer away' },
  generic: { label: 'Generic', color: 'bg-slate-400', help: 'greets, praises, keeps the session going' },
} as const;
const ORDER = ['probing', 'focus', 'telling', 'generic'] as const;

const pct = (v: number) => `${Math.round(v * 100)}%`;

/**
 * A session's tutor-move profile: one bar split by the share of each move (plain elements, no chart library),
 * the same numbers as a list, and the most confident quotes of each move.
 */
export function SessionMoves({ moves }: { moves: TSessionMoveProfile }) {
  const guiding = moves.shares.focus + moves.shares.probing;
  return (
    <section aria-labelledby="moves-title" className="space-y-3">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h3 id="moves-title" className="text-sm font-semibold text-slate-900">
          Tutor moves
        </h3>
        <p className="text-xs text-slate-600">
          {moves.tutor_turns} tutor turns · guidance {moves.guidance_score}/100 · guiding {pct(guiding)},
          telling {pct(moves.shares.telling)}
        </p>
      </div>
      <div className="flex h-3 w-full overflow-hidden rounded-full bg-slate-100" aria-hidden="true">
        {ORDER.map((m) => (
          <div key={m} className={MOVE_INFO[m].color} style={{ width: `${moves.shares[m] * 100}%` }} />
        ))}
      </div>
      <ul className="grid grid-cols-2 gap-2 text-xs text-slate-700 sm:grid-cols-4">
        {ORDER.map((m) => (
          <li key={m} className="flex items-start gap-2">
            <span
              className={`mt-1 inline-block size-2.5 shrink-0 rounded-sm ${MOVE_INFO[m].color}`}
              aria-hidden="true"
            />
            <span>
              <span className="font-medium text-slate-900">
                {MOVE_INFO[m].label} {pct(moves.shares[m])}
              </span>
              <span className="block text-slate-500">{MOVE_INFO[m].help}</span>
            </span>
          </li>
        ))}
      </ul>
      <div className="grid gap-3 sm:grid-cols-2">
        {ORDER.filter((m) => moves.examples[m].length > 0).map((m) => (
          <div key={m}>
            <h4 className="mb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase">
              {MOVE_INFO[m].label}
            </h4>
            <ul className="space-y-1">
              {moves.examples[m].map((e) => (
                <li key={e.turn}>
                  <blockquote className="border-l-2 border-slate-300 pl-2 text-sm text-slate-800 italic">
                    “{e.quote}”
                  </blockquote>
                  <p className="pl-2 text-xs text-slate-500">
                    turn {e.turn + 1} · {pct(e.confidence)} sure
                  </p>
                </li>
              ))}
            </ul>
          </div>
        ))}
      </div>
      <p className="text-xs text-slate-500">Labelled by {moves.model}.</p>
    </section>
  );
}
