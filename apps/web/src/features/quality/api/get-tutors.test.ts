import { ZTutorsQuery } from '@tutorpulse/contracts/quality-tutors';
import { describe, expect, it } from 'vitest';
import { readTutorsParams, type TutorsParams } from './get-tutors';

// readTutorsParams runs on every tutors-page render and must not pull zod into the page; these cases check it
// keeps exactly what the contract (ZTutorsQuery, which the API validates with) accepts.
const CASES: Array<[keyof TutorsParams & keyof typeof ZTutorsQuery.shape, string]> = [
  ['sort_by', 'risk'],
  ['sort_by', 'name'],
  ['sort_by', 'nope'],
  ['sort_by', ''],
  ['sort_order', 'desc'],
  ['sort_order', 'DESC'],
  ['window', '7'],
  ['window', '90'],
  ['window', '12'],
  ['window', 'abc'],
  ['window', ' 7 '],
  ['min_score', '40'],
  ['min_score', '0'],
  ['min_score', '100'],
  ['min_score', '12.5'],
  ['min_score', '500'],
  ['min_score', '-1'],
  ['min_score', 'x'],
  ['max_score', '1e1'],
  ['risk_status', 'high_risk'],
  ['risk_status', 'bogus'],
  ['subject', 'algebra'],
  ['subject', 's'.repeat(100)],
  ['subject', 's'.repeat(101)],
  ['search', '  ann '],
  ['search', '   '],
  ['search', 'a'.repeat(101)],
];

describe('readTutorsParams', () => {
  it.each(CASES)('%s=%j: kept exactly when the contract accepts it', (key, value) => {
    const ours = readTutorsParams(new URLSearchParams({ [key]: value }))[key];
    // The reader trims what it reads and sends nothing for an empty value, as the URL should stay canonical.
    const trimmed = value.trim() || undefined;
    const parsed = ZTutorsQuery.shape[key].safeParse(trimmed);
    let expected = parsed.success && trimmed !== undefined ? parsed.data : undefined;
    if (key === 'window' && expected === 30) expected = undefined; // the default is left out of the URL
    expect(ours).toEqual(expected);
  });

  it('swaps a min_score above max_score, as the API would refuse the pair', () => {
    expect(readTutorsParams(new URLSearchParams('min_score=70&max_score=40'))).toMatchObject({
      min_score: 40,
      max_score: 70,
    });
  });

  it('keeps the page within the API’s bounds', () => {
    expect(readTutorsParams(new URLSearchParams('limit=5000&offset=-3'))).toEqual({ limit: 100, offset: 0 });
  });
});
