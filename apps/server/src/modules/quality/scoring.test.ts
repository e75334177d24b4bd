import { describe, expect, it } from 'vitest';
import { computeScore, DEFAULT_POPULATION, ratingTrend, type WindowCounts } from './scoring';

const counts = (n: number, over: Partial<WindowCounts> = {}): WindowCounts => ({
  sessions: n,
  firstSessions: 0,
  joined: n,
  bothJoined: n,
  noShows: 0,
  late: 0,
  latenessMinutesSum: 0,
  earlyEnds: 0,
  earlyEndMinutesSum: 0,
  reschedules: 0,
  tutorReschedules: 0,
  studentNoShows: 0,
  rated: n,
  ratingSum: n * 4.4,
  firstRated: 0,
  firstRatingSum: 0,
  poorFirst: 0,
  ...over,
});

describe('computeScore', () => {
  it('stays within 0-100 with its breakdown, for the best and the worst', () => {
    const best = computeScore(counts(200, { ratingSum: 200 * 5 }), DEFAULT_POPULATION);
    const worst = computeScore(
      counts(200, {
        noShows: 100,
        joined: 100,
        bothJoined: 100,
        late: 90,
        earlyEnds: 90,
        tutorReschedules: 150,
        ratingSum: 200,
      }),
      DEFAULT_POPULATION,
    );
    for (const s of [best, worst]) {
      for (const v of [s.overall, s.attendance, s.ratings, s.completion, s.reliability]) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(100);
      }
    }
    expect(best.overall).toBeGreaterThan(90);
    expect(worst.overall).toBeLessThan(25);
  });

  it('does not rank a tutor worst or best on two sessions (shrinkage toward the population)', () => {
    const twoBad = computeScore(
      counts(2, { noShows: 1, joined: 1, bothJoined: 1, rated: 1, ratingSum: 1 }),
      DEFAULT_POPULATION,
    );
    const manyMediocre = computeScore(
      counts(200, {
        noShows: 20,
        joined: 180,
        bothJoined: 180,
        late: 40,
        tutorReschedules: 30,
        ratingSum: 200 * 3.6,
      }),
      DEFAULT_POPULATION,
    );
    expect(twoBad.overall).toBeGreaterThan(manyMediocre.overall);
    expect(twoBad.confidence).toBeLessThan(0.1);
    expect(manyMediocre.confidence).toBeGreaterThan(0.9);
    const twoPerfect = computeScore(counts(2, { ratingSum: 10 }), DEFAULT_POPULATION);
    const manyPerfect = computeScore(counts(300, { ratingSum: 1500 }), DEFAULT_POPULATION);
    expect(twoPerfect.overall).toBeLessThan(manyPerfect.overall);
  });

  it('a tutor with no sessions gets the population’s score and zero confidence', () => {
    const s = computeScore(counts(0, { rated: 0, ratingSum: 0 }), DEFAULT_POPULATION);
    expect(s.confidence).toBe(0);
    expect(s.shrunk.noShowRate).toBeCloseTo(DEFAULT_POPULATION.noShowRate);
    expect(s.shrunk.avgRating).toBeCloseTo(DEFAULT_POPULATION.avgStudentRating);
  });

  it('falls as no-shows rise, other things equal', () => {
    const scores = [0, 5, 10, 20].map(
      (ns) =>
        computeScore(counts(100, { noShows: ns, joined: 100 - ns, bothJoined: 100 - ns }), DEFAULT_POPULATION)
          .overall,
    );
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(scores[0]).toBeGreaterThan(scores[3]!);
  });
});

describe('ratingTrend', () => {
  it.each([
    { recent: { rated: 5, ratingSum: 24 }, baseline: { rated: 30, ratingSum: 120 }, expect: 'improving' },
    { recent: { rated: 5, ratingSum: 18 }, baseline: { rated: 30, ratingSum: 120 }, expect: 'declining' },
    { recent: { rated: 5, ratingSum: 20.5 }, baseline: { rated: 30, ratingSum: 120 }, expect: 'stable' },
    { recent: { rated: 2, ratingSum: 10 }, baseline: { rated: 30, ratingSum: 120 }, expect: null },
  ])('$expect', ({ recent, baseline, expect: want }) => {
    expect(ratingTrend(recent, baseline)).toBe(want);
  });
});
