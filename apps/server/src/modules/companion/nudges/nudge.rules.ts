/**
 * Who gets an engagement nudge, and when (pure rules, settings passed in): students in their first week with
 * fewer than 3 sessions, and students inactive for N days; never more than one per student in 3 days, never at
 * night in the student's time zone.
 */
export type NudgeReason = 'first_week' | 'inactive';

export type NudgeSettings = {
  inactiveDays: number;
  /** Students inactive longer than this are left alone (they have left; mail is another channel). */
  giveUpDays: number;
  minDaysBetween: number;
  firstWeekSessions: number;
  /** Local hours [from, to) in which nudges may be sent. */
  dayStartHour: number;
  dayEndHour: number;
};

export const DEFAULT_NUDGE_SETTINGS: NudgeSettings = {
  inactiveDays: 7,
  giveUpDays: 60,
  minDaysBetween: 3,
  firstWeekSessions: 3,
  dayStartHour: 9,
  dayEndHour: 20,
};

const DAY_MS = 86_400_000;

/** The local hour and calendar day at `now` in a time zone (UTC for an unknown zone). */
export function localTime(now: Date, timeZone: string): { hour: number; date: string } {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(now);
  } catch {
    return localTime(now, 'UTC');
  }
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '00';
  return { hour: Number(get('hour')) % 24, date: `${get('year')}-${get('month')}-${get('day')}` };
}

export type NudgeCandidate = {
  signedUpAt: Date;
  sessionsFirstWeek: number;
  /** The latest of the last session and the last chat message. */
  lastActiveAt: Date | null;
  lastNudgeAt: Date | null;
  timeZone: string;
};

export type NudgeVerdict =
  | { send: true; reason: NudgeReason; daysInactive: number | null; localDate: string }
  | { send: false; why: 'recently_nudged' | 'night' | 'active' | 'gone' };

export function decideNudge(
  c: NudgeCandidate,
  now: Date,
  s: NudgeSettings = DEFAULT_NUDGE_SETTINGS,
): NudgeVerdict {
  if (c.lastNudgeAt && now.getTime() - c.lastNudgeAt.getTime() < s.minDaysBetween * DAY_MS) {
    return { send: false, why: 'recently_nudged' };
  }
  const local = localTime(now, c.timeZone);
  if (local.hour < s.dayStartHour || local.hour >= s.dayEndHour) return { send: false, why: 'night' };
  const sinceSignup = now.getTime() - c.signedUpAt.getTime();
  if (sinceSignup >= 0 && sinceSignup < 7 * DAY_MS && c.sessionsFirstWeek < s.firstWeekSessions) {
    // A day to settle in first: a nudge on the day of sign-up is noise.
    if (sinceSignup >= DAY_MS)
      return { send: true, reason: 'first_week', daysInactive: null, localDate: local.date };
    return { send: false, why: 'active' };
  }
  const last = c.lastActiveAt ?? c.signedUpAt;
  const days = Math.floor((now.getTime() - last.getTime()) / DAY_MS);
  if (days > s.giveUpDays) return { send: false, why: 'gone' };
  if (days >= s.inactiveDays)
    return { send: true, reason: 'inactive', daysInactive: days, localDate: local.date };
  return { send: false, why: 'active' };
}
