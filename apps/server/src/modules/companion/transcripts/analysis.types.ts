/** The transcript analysis as the companion stores it (seed 004 "Transcript Analysis", with signals). */
export type AnalysisConcept = {
  /** The catalogue key when the concept is known; null for a new one (the catalogue adds it). */
  conceptKey: string | null;
  name: string;
  description: string;
  /** 0–100: the analysis's estimate from this session alone. */
  mastery: number;
  difficulty: 'beginner' | 'intermediate' | 'advanced';
  keyPoints: string[];
  /** What the student did in this session: the evidence recorded for mastery. */
  signals: { correct: number; incorrect: number; hints: number; selfExplanations: number };
  /** The student's mistakes, quoted or described. */
  misconceptions: string[];
};

export type TranscriptAnalysis = {
  concepts: AnalysisConcept[];
  topics: string[];
  summary: string;
};
