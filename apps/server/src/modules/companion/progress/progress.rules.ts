/** Progress figures from a student's evidence and activity, pure: mastery history per day, streaks. */

const DAY_MS = 86_400_000;
export const utcDay = (d: Date) => d.toISOString().slice(0, 10);

export type MasteryPoint = { conceptKey: string; subjectId: string; at: Date; mastery: number };

/**
 * Per subject and UTC day with evidence: the mean, over the concepts seen by the end of that day, of each
 * concept's latest mastery.
 */
export function subjectHistory(
  points: readonly MasteryPoint[],
): Map<string, Array<{ date: string; mastery: number }>> {
  const bySubject = new Map<string, MasteryPoint[]>();
  for (const p of points) {
    const list = bySubject.get(p.subjectId) ?? [];
    list.push(p);
    bySubject.set(p.subjectId, list);
  }
  const out = new Map<string, Array<{ date: string; mastery: number }>>();
  for (const [subject, list] of bySubject) {
    const sorted = [...list].sort((a, b) => a.at.getTime() - b.at.getTime());
    const latest = new Map<string, number>();
    const days: Array<{ date: string; mastery: number }> = [];
    for (let i = 0; i < sorted.length; i++) {
      const p = sorted[i]!;
      latest.set(p.conceptKey, p.mastery);
      const day = utcDay(p.at);
      const next = sorted[i + 1];
      if (!next || utcDay(next.at) !== day) {
        const values = [...latest.values()];
        days.push({ date: day, mastery: Math.round(values.reduce((a, b) => a + b, 0) / values.length) });
      }
    }
    out.set(subject, days);
  }
  return out;
}

/** Streaks of consecutive UTC days with activity; the current one counts if it reaches today or yesterday. */
export function streaks(activity: readonly Date[], now: Date) {
  const days = [...new Set(activity.map(utcDay))].sort();
  const today = utcDay(now);
  const dayNumber = (d: string) => Math.round(Date.parse(`${d}T00:00:00Z`) / DAY_MS);
  let longest = 0;
  let run = 0;
  let prev: number | null = null;
  for (const d of days) {
    const n = dayNumber(d);
    run = prev !== null && n === prev + 1 ? run + 1 : 1;
    longest = Math.max(longest, run);
    prev = n;
  }
  const last = days.at(-1) ?? null;
  const current = last !== null && dayNumber(today) - dayNumber(last) <= 1 ? run : 0;
  const since = dayNumber(today) - 29;
  return {
    current_days: current,
    longest_days: longest,
    active_days_last_30: days.filter((d) => dayNumber(d) >= since && dayNumber(d) <= dayNumber(today)).length,
    last_active: last,
  };
}
