/**
 * Concept names → a de-duplication key per subject: "Solving Linear Equations", "linear equation" and
 * "solving linear equations." are one concept. Lower case, accents and punctuation dropped, filler words
 * dropped, plurals singularised, words sorted.
 */
const FILLER = new Set([
  'a',
  'an',
  'the',
  'of',
  'and',
  'to',
  'in',
  'on',
  'with',
  'for',
  'by',
  'using',
  'how',
  'solving',
  'solve',
  'understanding',
  'basic',
  'basics',
  'intro',
  'introduction',
  'concept',
  'concepts',
  'rule',
  'rules',
]);

function singular(word: string): string {
  if (word.length <= 3 || word.endsWith('ss') || word.endsWith('us') || word.endsWith('is')) return word;
  if (word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (/(sh|ch|x|z)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s')) return word.slice(0, -1);
  return word;
}

export function words(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’]/g, '')
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

export function normalizeConceptName(name: string): string {
  const kept = words(name)
    .filter((w) => !FILLER.has(w))
    .map(singular);
  const unique = [...new Set(kept.length ? kept : words(name).map(singular))].sort();
  return unique.join(' ');
}

export function slugify(name: string): string {
  return words(name).join('-').slice(0, 60).replace(/-+$/, '') || 'concept';
}
