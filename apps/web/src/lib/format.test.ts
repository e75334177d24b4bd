import { describe, expect, it } from 'vitest';
import { formatOrdinal, formatPercentileRank } from './format';

describe('formatOrdinal', () => {
  it.each([
    [1, '1st'],
    [2, '2nd'],
    [3, '3rd'],
    [4, '4th'],
    [11, '11th'],
    [12, '12th'],
    [13, '13th'],
    [21, '21st'],
    [22, '22nd'],
    [23, '23rd'],
    [50, '50th'],
    [101, '101st'],
  ])('%i → %s', (n, text) => expect(formatOrdinal(n)).toBe(text));
});

describe('formatPercentileRank', () => {
  it('names the ends of the group instead of "0th" and "100th"', () => {
    expect(formatPercentileRank(0)).toBe('lowest');
    expect(formatPercentileRank(100)).toBe('highest');
  });
  it('reads the rest as ordinals', () => {
    expect(formatPercentileRank(1)).toBe('1st');
    expect(formatPercentileRank(42)).toBe('42nd');
    expect(formatPercentileRank(73.4)).toBe('73rd');
  });
  it('shows a dash when there is no rank', () => {
    expect(formatPercentileRank(null)).toBe('—');
  });
});
