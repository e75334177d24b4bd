/**
 * The concept catalogue: the curated concepts (catalog.ts) written to the `concepts` table for the subjects
 * that exist, and concepts found by the analysis added to it, one per subject and normalised name.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { concepts } from '../../../db/schema/index';
import { CURATED_CONCEPTS, conceptKey, curatedConcept } from './catalog';
import { normalizeConceptName, slugify } from './normalize';

export type ConceptRow = typeof concepts.$inferSelect;

export type NewConcept = {
  name: string;
  description?: string;
  difficulty?: number;
  source: 'llm' | 'local';
};

export type SubjectSource = { listSubjects(): Promise<Array<{ id: string; name: string }>> };

export function createConceptService(deps: { db: Db; subjects: SubjectSource }) {
  const { db } = deps;
  let subjectNames: Map<string, string> | null = null;

  /** Subject id → name (read once per process; a subject unknown at first is looked up again). */
  async function subjectName(id: string): Promise<string | null> {
    if (!subjectNames?.has(id)) {
      subjectNames = new Map((await deps.subjects.listSubjects()).map((s) => [s.id, s.name]));
    }
    return subjectNames.get(id) ?? null;
  }
  let ensured: Promise<void> | null = null;

  async function writeCurated() {
    const existing = new Set((await deps.subjects.listSubjects()).map((s) => s.id));
    const rows = Object.entries(CURATED_CONCEPTS)
      .filter(([subjectId]) => existing.has(subjectId))
      .flatMap(([subjectId, list]) =>
        list.map((c) => ({
          key: conceptKey(subjectId, c.slug),
          subjectId,
          name: c.name,
          normalizedName: normalizeConceptName(c.name),
          description: c.description,
          difficulty: c.difficulty,
          source: 'curated' as const,
          aliases: c.aliases,
        })),
      );
    if (rows.length) await db.insert(concepts).values(rows).onConflictDoNothing();
  }

  /** Writes the curated catalogue once per process (again after a failure, or when asked to). */
  function ensureCatalogue(force = false): Promise<void> {
    if (!ensured || force) {
      ensured = writeCurated().catch((err: unknown) => {
        ensured = null;
        throw err;
      });
    }
    return ensured;
  }

  async function listForSubject(subjectId: string): Promise<ConceptRow[]> {
    await ensureCatalogue();
    const read = () =>
      db.select().from(concepts).where(eq(concepts.subjectId, subjectId)).orderBy(asc(concepts.key));
    const rows = await read();
    // A subject created after the catalogue was written (a later seed): write its curated concepts now.
    if (rows.length === 0 && CURATED_CONCEPTS[subjectId]?.length) {
      await ensureKeys(CURATED_CONCEPTS[subjectId].map((c) => conceptKey(subjectId, c.slug)));
      return read();
    }
    return rows;
  }

  /**
   * Writes the curated rows behind these keys (for subjects that exist) if they are missing; unknown keys
   * are left alone. Cheaper than the whole catalogue, and writes nothing for a request naming no real concept.
   */
  async function ensureKeys(keys: readonly string[]): Promise<void> {
    const curated = keys.map((k) => ({ k, c: curatedConcept(k) })).filter((x) => x.c);
    if (curated.length === 0) return;
    const present = new Set(
      (
        await db
          .select({ key: concepts.key })
          .from(concepts)
          .where(
            inArray(
              concepts.key,
              curated.map((x) => x.k),
            ),
          )
      ).map((r) => r.key),
    );
    const missing = curated.filter((x) => !present.has(x.k));
    if (missing.length === 0) return;
    const existing = new Set((await deps.subjects.listSubjects()).map((s) => s.id));
    const rows = missing
      .filter((x) => existing.has(x.c!.subjectId))
      .map(({ k, c }) => ({
        key: k,
        subjectId: c!.subjectId,
        name: c!.name,
        normalizedName: normalizeConceptName(c!.name),
        description: c!.description,
        difficulty: c!.difficulty,
        source: 'curated' as const,
        aliases: c!.aliases,
      }));
    if (rows.length) await db.insert(concepts).values(rows).onConflictDoNothing();
  }

  async function getMany(keys: readonly string[]): Promise<ConceptRow[]> {
    if (keys.length === 0) return [];
    await ensureKeys(keys);
    return db
      .select()
      .from(concepts)
      .where(inArray(concepts.key, [...keys]));
  }

  /**
   * The canonical concept for a name in a subject: an existing one with the same normalised name (or alias),
   * else a new catalogue entry (source llm or local).
   */
  async function resolve(subjectId: string, c: NewConcept): Promise<ConceptRow> {
    const list = await listForSubject(subjectId);
    const norm = normalizeConceptName(c.name);
    const found =
      list.find((x) => x.normalizedName === norm) ??
      list.find((x) => x.aliases.some((a) => normalizeConceptName(a) === norm));
    if (found) return found;
    const base = slugify(c.name);
    for (let n = 1; n < 20; n++) {
      const key = conceptKey(subjectId, n === 1 ? base : `${base}-${n}`);
      const inserted = await db
        .insert(concepts)
        .values({
          key,
          subjectId,
          name: c.name.trim().slice(0, 120),
          normalizedName: norm,
          description: (c.description ?? '').slice(0, 500),
          difficulty: Math.min(5, Math.max(1, Math.round(c.difficulty ?? 3))),
          source: c.source,
          aliases: [],
        })
        .onConflictDoNothing()
        .returning();
      if (inserted[0]) return inserted[0];
      // Lost a race on the same name, or the key is taken by a different concept: look again.
      const [same] = await db
        .select()
        .from(concepts)
        .where(and(eq(concepts.subjectId, subjectId), eq(concepts.normalizedName, norm)));
      if (same) return same;
    }
    throw new Error(`could not add concept ${c.name} to ${subjectId}`);
  }

  /** Subjects that have a catalogue. */
  async function allSubjectsWithConcepts(): Promise<string[]> {
    await ensureCatalogue();
    const rows = await db.selectDistinct({ id: concepts.subjectId }).from(concepts);
    return rows.map((r) => r.id).sort();
  }

  return {
    ensureCatalogue,
    ensureKeys,
    listForSubject,
    getMany,
    resolve,
    subjectName,
    allSubjectsWithConcepts,
  };
}

export type ConceptService = ReturnType<typeof createConceptService>;
