/**
 * Storing a consolidated profile (spec §3.9, intended behaviour): one memory per fact for the user, with no project
 * and no agent (so every persona's reads see it), key memories for the biography, and provenance in metadata.
 * Idempotent: a fact already stored under the same key is left alone, or superseded when its value changed.
 */
import { memoryHash } from '../text.js';
import { MEMORY_KINDS, type MemoryEngine, type MemoryScope } from '../types.js';
import type { ProfileFact, ProfileFacts } from './consolidate.js';
import { PROFILE_NAMESPACES, type ProfileNamespace, SENSITIVE_NAMESPACE } from './namespaces.js';

export const PROFILE_SOURCE = 'profile';

export interface ApplyProfileOptions {
  /** Store `restricted:sensitive` facts too (off by default). */
  includeSensitive?: boolean;
  onFact?: (namespace: ProfileNamespace, fact: ProfileFact, outcome: ApplyOutcome) => void;
}

export type ApplyOutcome = 'added' | 'updated' | 'unchanged' | 'skipped';

export type ApplySummary = Record<ApplyOutcome, number>;

const IDENTITY =
  /^(name|names|identity|pronouns?|family|partner|spouse|wife|husband|children|kids|parents?|mother|father|siblings?|sister|brother|relationships?|location|home|lives|city|country|timezone|age|birthday)\b/;
const CAREER =
  /^(career|job|work|profession|occupation|employer|company|role|skills?|education|school|degree|expertise)\b/;

/** The pseudo-conversation group of the original (identity & family, career & skills, … one per project). */
export function categoryOf(namespace: ProfileNamespace, key: string): string {
  switch (namespace) {
    case 'profile_bio':
      return IDENTITY.test(key) ? 'identity_family' : CAREER.test(key) ? 'career_skills' : 'biography';
    case 'interaction_style':
      return 'interaction_preferences';
    case 'project_seed':
      return 'principles';
    case 'project_context:creative_portfolio': {
      const project = key.match(/^project\.([a-z0-9_]+)\./);
      return project ? `project.${project[1]}` : 'creative_preferences';
    }
    case 'restricted:sensitive':
      return 'sensitive';
  }
}

export async function applyProfile(
  engine: MemoryEngine,
  userId: string,
  facts: ProfileFacts,
  options: ApplyProfileOptions = {},
): Promise<ApplySummary> {
  const scope: MemoryScope = { userId, projectId: null, agentId: null };
  const summary: ApplySummary = { added: 0, updated: 0, unchanged: 0, skipped: 0 };
  for (const namespace of PROFILE_NAMESPACES) {
    const sensitive = namespace === SENSITIVE_NAMESPACE;
    for (const fact of facts[namespace]) {
      let outcome: ApplyOutcome;
      if (sensitive && !options.includeSensitive) outcome = 'skipped';
      else outcome = await applyFact(engine, scope, namespace, fact, sensitive);
      summary[outcome]++;
      options.onFact?.(namespace, fact, outcome);
    }
  }
  return summary;
}

async function applyFact(
  engine: MemoryEngine,
  scope: MemoryScope,
  namespace: ProfileNamespace,
  fact: ProfileFact,
  sensitive: boolean,
): Promise<ApplyOutcome> {
  const [existing] = await engine.list(
    scope,
    { kinds: [MEMORY_KINDS.fact], metadata: { bootstrap: true, namespace, key: fact.key } },
    { limit: 1 },
  );
  if (existing) {
    if (existing.hash === memoryHash(fact.value)) return 'unchanged';
    return (await engine.update(scope, existing.id, fact.value)) ? 'updated' : 'unchanged';
  }
  const change = await engine.add(scope, fact.value, {
    kind: MEMORY_KINDS.fact,
    isKey: namespace === 'profile_bio',
    metadata: {
      namespace,
      category: categoryOf(namespace, fact.key),
      key: fact.key,
      source: PROFILE_SOURCE,
      bootstrap: true,
      sensitive,
      confidence: fact.confidence,
    },
  });
  return change.event === 'ADD' ? 'added' : 'unchanged';
}
