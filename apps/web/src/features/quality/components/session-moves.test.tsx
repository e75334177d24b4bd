import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { SessionMoves } from './session-moves';

describe('SessionMoves', () => {
  it('shows each move’s share, the guidance and the example quotes', () => {
    render(
      <SessionMoves
        moves={{
          model: 'moves-v1-abcdef12',
          tutor_turns: 4,
          guidance_score: 75,
          shares: { focus: 0.25, probing: 0.4, telling: 0.25, generic: 0.1 },
          examples: {
            focus: [],
            probing: [{ turn: 2, quote: 'Why did you subtract?', confidence: 0.81 }],
            telling: [{ turn: 4, quote: 'No, add them: 12 + 3 = 15.', confidence: 0.9 }],
            generic: [],
          },
          turns: [
            { turn: 0, move: 'focus', confidence: 0.6, by: 'classifier' },
            { turn: 2, move: 'probing', confidence: 0.81, by: 'classifier' },
            { turn: 4, move: 'telling', confidence: 0.9, by: 'classifier' },
            { turn: 6, move: 'generic', confidence: 0.7, by: 'classifier' },
          ],
        }}
      />,
    );
    expect(screen.getByRole('heading', { name: 'Tutor moves' })).toBeInTheDocument();
    expect(
      screen.getByText(/4 tutor turns · guidance 75\/100 · guiding 65%, telling 25%/),
    ).toBeInTheDocument();
    expect(screen.getByText('Probing 40%')).toBeInTheDocument();
    expect(screen.getByText('Telling 25%')).toBeInTheDocument();
    expect(screen.getByText('“Why did you subtract?”')).toBeInTheDocument();
    expect(screen.getByText('turn 5 · 90% sure')).toBeInTheDocument();
    // Moves without examples get no heading.
    expect(screen.queryByRole('heading', { name: 'Focus' })).toBeNull();
  });
});
