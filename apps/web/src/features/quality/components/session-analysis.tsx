import type { TSessionAnalysis } from '@tutorpulse/contracts/quality';
import { Badge } from '@/components/ui/badge';
import { humanize } from './flag-badges';
import { SessionMoves } from './session-moves';

/** Tier 2's reading of the transcript or summary, with its evidence and who produced it. */
export function SessionAnalysis({ analysis }: { analysis: TSessionAnalysis }) {
  const scores = [
    ['Quality', analysis.quality_score],
    ['Empathy', analysis.empathy_score],
    ['Clarity', analysis.clarity_score],
  ] as const;
  return (
    <div className="space-y-4">
      <p className="flex flex-wrap items-center gap-2 text-xs text-slate-600">
        <Badge tone={analysis.provider === 'openai' ? 'info' : 'neutral'}>
          {analysis.provider === 'openai' ? 'OpenAI' : 'Local analyser'}
        </Badge>
        {analysis.model && <span>model {analysis.model}</span>}
        <span>· from the {analysis.source}</span>
        {analysis.fallback_reason && <span>· fallback: {analysis.fallback_reason}</span>}
      </p>
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        {scores.map(([label, value]) => (
          <div key={label} className="rounded-md bg-slate-50 px-3 py-2 ring-1 ring-slate-200">
            <dt className="text-xs text-slate-500">{label}</dt>
            <dd className="text-lg font-semibold text-slate-900">{value}</dd>
          </div>
        ))}
        <div className="rounded-md bg-slate-50 px-3 py-2 ring-1 ring-slate-200">
          <dt className="text-xs text-slate-500">Engagement</dt>
          <dd className="text-lg font-semibold text-slate-900">{humanize(analysis.engagement)}</dd>
        </div>
      </dl>
      {analysis.summary && <p className="text-sm text-slate-700">{analysis.summary}</p>}
      {analysis.moves && analysis.moves.tutor_turns > 0 && <SessionMoves moves={analysis.moves} />}
      {analysis.red_flags.length > 0 && (
        <div>
          <h3 className="mb-1 text-sm font-semibold text-slate-900">Red flags</h3>
          <ul className="list-disc space-y-1 pl-5 text-sm text-slate-700">
            {analysis.red_flags.map((f, i) => (
              <li key={i}>
                <span className="font-medium">{humanize(f.type)}</span>: {f.description}
                {f.quote && <q className="ml-1 text-slate-500 italic">{f.quote}</q>}
              </li>
            ))}
          </ul>
        </div>
      )}
      <div>
        <h3 className="mb-1 text-sm font-semibold text-slate-900">Evidence</h3>
        {analysis.evidence.length === 0 ? (
          <p className="text-sm text-slate-500">No quotes recorded.</p>
        ) : (
          <ul className="space-y-2">
            {analysis.evidence.map((e, i) => (
              <li key={i}>
                <figure className="border-l-2 border-indigo-300 pl-3">
                  <blockquote className="text-sm text-slate-800 italic">“{e.quote}”</blockquote>
                  <figcaption className="text-xs text-slate-500">
                    {e.label}
                    {e.speaker && ` · ${e.speaker}`}
                  </figcaption>
                </figure>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
