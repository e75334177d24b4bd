/**
 * The quality module's emails as pure functions of their data: a per-session report (to ADMIN_EMAIL) and a
 * critical-flag alert (to every active coach). Each renders a plain-text body and a simple, inline-styled
 * HTML body with every interpolated value escaped. No I/O, no clock: the caller passes everything in.
 */
import type { TFinding, TFlag, TSession, TTutorScore } from '@tutorpulse/contracts/quality';

export type RenderedMail = { subject: string; text: string; html: string };

export type SessionReportData = {
  session: TSession;
  findings: TFinding[];
  /** Flags this session raised or fed. */
  flags: TFlag[];
  /** The tutor's 30-day score, null before the first scoring. */
  score: TTutorScore | null;
  /** Absolute base of the dashboard (e.g. `https://tutorpulse.example.com`), or '' for site-relative links. */
  dashboardUrl: string;
};

export type CriticalAlertData = {
  flag: TFlag;
  /** The session behind this alert, when there is one. */
  session: TSession | null;
  score: TTutorScore | null;
  dashboardUrl: string;
};

const MINUTE_MS = 60_000;

export function escapeHtml(s: string): string {
  return s
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** `2026-11-20 14:05 UTC`. */
export function formatUtc(iso: string | Date): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const pct = (r: number | null) => (r === null ? '–' : `${Math.round(r * 1000) / 10} %`);
const num1 = (n: number | null) => (n === null ? '–' : (Math.round(n * 10) / 10).toString());
const humanize = (s: string) => s.replaceAll('_', ' ');

function offsetMinutes(fromIso: string, toIso: string): number {
  return Math.round((new Date(toIso).getTime() - new Date(fromIso).getTime()) / MINUTE_MS);
}

function signed(min: number): string {
  if (min === 0) return 'on time';
  return min > 0 ? `${min} min late` : `${-min} min early`;
}

export const sessionSubject = (
  s: Pick<TSession, 'session_id' | 'tutor_id' | 'tutor_name' | 'session_start_time'>,
  issues: number,
) =>
  `[Tutorpulse] Session ${s.session_id} — ${s.tutor_name ?? s.tutor_id}, ${formatUtc(s.session_start_time)} — ` +
  (issues === 0 ? 'no issues' : issues === 1 ? '1 issue' : `${issues} issues`);

export const alertSubject = (f: Pick<TFlag, 'title' | 'tutor_id' | 'tutor_name'>) =>
  `[Tutorpulse] CRITICAL: ${f.title} — ${f.tutor_name ?? f.tutor_id}`;

/** The session's timeline as label/value rows (scheduled times, joins and leaves with their offsets). */
export function timelineRows(s: TSession): Array<[string, string]> {
  const rows: Array<[string, string]> = [
    [
      'Scheduled',
      `${formatUtc(s.session_start_time)} → ${formatUtc(s.session_end_time)}` +
        (s.session_length_scheduled !== null ? ` (${s.session_length_scheduled} min)` : ''),
    ],
  ];
  const join = (label: string, at: string | null) =>
    rows.push([
      label,
      at ? `${formatUtc(at)} (${signed(offsetMinutes(s.session_start_time, at))})` : 'did not join',
    ]);
  const leave = (label: string, at: string | null) => {
    if (!at) return;
    const early = offsetMinutes(at, s.session_end_time);
    rows.push([
      label,
      `${formatUtc(at)} (${early > 0 ? `${early} min before the end` : early < 0 ? `${-early} min after the end` : 'at the end'})`,
    ]);
  };
  join('Tutor joined', s.tutor_join_time);
  join('Student joined', s.student_join_time);
  leave('Tutor left', s.tutor_leave_time);
  leave('Student left', s.student_leave_time);
  if (s.session_length_actual !== null) rows.push(['Actual length', `${s.session_length_actual} min`]);
  return rows;
}

function factRows(s: TSession): Array<[string, string]> {
  const rating = (f: TSession['student_feedback']) =>
    f ? `${f.rating}/5${f.description ? ` — “${f.description}”` : ''}` : 'not rated';
  return [
    ['Session', s.session_id],
    ['Tutor', `${s.tutor_name ?? s.tutor_id} (${s.tutor_id})`],
    ['Student', `${s.student_name ?? s.student_id} (${s.student_id})`],
    ['Subjects', s.subjects_covered.length ? s.subjects_covered.join(', ') : '–'],
    ['First session', s.is_first_session ? 'yes' : 'no'],
    [
      'Rescheduled',
      s.was_rescheduled ? `yes${s.rescheduled_by ? `, by the ${s.rescheduled_by}` : ''}` : 'no',
    ],
    ['Student rating', rating(s.student_feedback)],
    ['Tutor rating', rating(s.tutor_feedback)],
  ];
}

function findingLine(f: TFinding): string {
  const minutes = f.minutes !== null ? `: ${num1(f.minutes)} min` : '';
  return `[${f.severity.toUpperCase()}] ${humanize(f.type)}${minutes}${f.blames_tutor ? '' : ' (not held against the tutor)'}`;
}

function flagLine(f: TFlag): string {
  return `[${f.severity.toUpperCase()}] ${f.title} (${humanize(f.status)})`;
}

function scoreRows(score: TTutorScore | null): Array<[string, string]> {
  if (!score || score.overall_score === null) return [['Score', 'not scored yet']];
  const b = score.breakdown;
  return [
    ['Overall (30 days)', `${score.overall_score}/100, confidence ${Math.round(score.confidence * 100)} %`],
    ...(b
      ? ([
          [
            'Breakdown',
            `attendance ${b.attendance} · ratings ${b.ratings} · completion ${b.completion} · reliability ${b.reliability}`,
          ],
        ] as Array<[string, string]>)
      : []),
    [
      'Last 30 days',
      `${score.total_sessions} sessions, no-show ${pct(score.no_show_rate)}, late ${pct(score.late_rate)}, ` +
        `early end ${pct(score.early_end_rate)}, tutor reschedules ${pct(score.tutor_reschedule_rate)}, ` +
        `avg rating ${num1(score.avg_student_rating)}`,
    ],
  ];
}

// ---------------------------------------------------------------------------------------------------------
// Text and HTML building blocks

const textRows = (rows: Array<[string, string]>) => {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${`${k}:`.padEnd(width + 2)}${v}`).join('\n');
};
const textList = (items: string[], empty: string) =>
  items.length ? items.map((i) => `  - ${i}`).join('\n') : `  ${empty}`;

const htmlRows = (rows: Array<[string, string]>) =>
  `<table cellpadding="4" cellspacing="0" style="border-collapse:collapse;font-size:14px">${rows
    .map(
      ([k, v]) =>
        `<tr><th align="left" style="padding-right:16px;color:#555;font-weight:600;vertical-align:top">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`,
    )
    .join('')}</table>`;
const htmlList = (items: string[], empty: string) =>
  items.length
    ? `<ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`
    : `<p>${escapeHtml(empty)}</p>`;
const htmlPage = (title: string, body: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
  `<body style="font-family:Arial,Helvetica,sans-serif;color:#1a1a1a;max-width:680px">${body}</body></html>`;
const link = (href: string, label: string) => `<a href="${escapeHtml(href)}">${escapeHtml(label)}</a>`;

// ---------------------------------------------------------------------------------------------------------

export function renderSessionReport(d: SessionReportData): RenderedMail {
  const s = d.session;
  const subject = sessionSubject(s, d.findings.filter((f) => f.blames_tutor).length);
  const sessionUrl = `${d.dashboardUrl}/quality/sessions/${encodeURIComponent(s.id)}`;
  const tutorUrl = `${d.dashboardUrl}/quality/tutors/${encodeURIComponent(s.tutor_id)}`;
  const findings = d.findings.map(findingLine);
  const flags = d.flags.map(flagLine);
  const flagLinks = d.flags.map((f) => `${d.dashboardUrl}/quality/flags/${f.id}`);

  const text = [
    `Session report — ${s.session_id}`,
    '',
    textRows(factRows(s)),
    '',
    'Timeline',
    textRows(timelineRows(s)),
    '',
    'Findings',
    textList(findings, 'No issues found.'),
    '',
    'Flags',
    textList(
      d.flags.map((f, i) => `${flagLine(f)} — ${flagLinks[i]}`),
      'No flags raised or updated by this session.',
    ),
    '',
    `Tutor's score`,
    textRows(scoreRows(d.score)),
    '',
    `Session: ${sessionUrl}`,
    `Tutor:   ${tutorUrl}`,
    '',
    '— Tutorpulse',
  ].join('\n');

  const html = htmlPage(
    subject,
    [
      `<h2 style="margin-bottom:4px">Session report</h2>`,
      `<p style="margin-top:0;color:#555">${escapeHtml(s.session_id)}</p>`,
      htmlRows(factRows(s)),
      `<h3>Timeline</h3>`,
      htmlRows(timelineRows(s)),
      `<h3>Findings</h3>`,
      htmlList(findings, 'No issues found.'),
      `<h3>Flags</h3>`,
      d.flags.length
        ? `<ul>${d.flags.map((f, i) => `<li>${escapeHtml(flags[i]!)} — ${link(flagLinks[i]!, 'open')}</li>`).join('')}</ul>`
        : `<p>No flags raised or updated by this session.</p>`,
      `<h3>Tutor’s score</h3>`,
      htmlRows(scoreRows(d.score)),
      `<p>${link(sessionUrl, 'Open the session')} · ${link(tutorUrl, 'Open the tutor')}</p>`,
    ].join('\n'),
  );
  return { subject, text, html };
}

export function renderCriticalAlert(d: CriticalAlertData): RenderedMail {
  const f = d.flag;
  const subject = alertSubject(f);
  const flagUrl = `${d.dashboardUrl}/quality/flags/${f.id}`;
  const metrics = Object.entries(f.supporting_data.metrics ?? {}).map(
    ([k, v]) => [humanize(k), v === null ? '–' : String(v)] as [string, string],
  );
  const flagRows: Array<[string, string]> = [
    ['Tutor', `${f.tutor_name ?? f.tutor_id} (${f.tutor_id})`],
    ['Flag', `${humanize(f.flag_type)} — ${f.severity}`],
    ['Status', humanize(f.status)],
    ['First seen', formatUtc(f.first_seen_at)],
    ['Occurrences', String(f.occurrences)],
  ];
  const sessionRows = d.session ? [...factRows(d.session).slice(0, 3), ...timelineRows(d.session)] : [];

  const text = [
    `CRITICAL flag: ${f.title}`,
    '',
    textRows(flagRows),
    '',
    'Why',
    `  ${f.description}`,
    ...(metrics.length ? ['', 'Evidence', textRows(metrics)] : []),
    ...(d.session ? ['', 'Session', textRows(sessionRows)] : []),
    '',
    'Recommended action',
    `  ${f.recommended_action ?? 'Review the flag and contact the tutor.'}`,
    '',
    `Tutor's score`,
    textRows(scoreRows(d.score)),
    '',
    `Open the flag: ${flagUrl}`,
    '',
    '— Tutorpulse',
  ].join('\n');

  const html = htmlPage(
    subject,
    [
      `<h2 style="color:#b00020;margin-bottom:4px">Critical flag</h2>`,
      `<p style="margin-top:0;font-size:16px"><strong>${escapeHtml(f.title)}</strong></p>`,
      htmlRows(flagRows),
      `<h3>Why</h3><p>${escapeHtml(f.description)}</p>`,
      metrics.length ? `<h3>Evidence</h3>${htmlRows(metrics)}` : '',
      d.session ? `<h3>Session</h3>${htmlRows(sessionRows)}` : '',
      `<h3>Recommended action</h3><p>${escapeHtml(f.recommended_action ?? 'Review the flag and contact the tutor.')}</p>`,
      `<h3>Tutor’s score</h3>`,
      htmlRows(scoreRows(d.score)),
      `<p style="margin-top:24px">${link(flagUrl, 'Open the flag in the dashboard')}</p>`,
    ]
      .filter(Boolean)
      .join('\n'),
  );
  return { subject, text, html };
}
