/**
 * Profile bootstrap (spec §3.9): the five namespaces a profile is sorted into, how many facts each keeps, the files
 * a dry run writes, and the loading policy written next to them.
 */

export const PROFILE_NAMESPACES = [
  'profile_bio',
  'interaction_style',
  'project_seed',
  'project_context:creative_portfolio',
  'restricted:sensitive',
] as const;

export type ProfileNamespace = (typeof PROFILE_NAMESPACES)[number];

export const SENSITIVE_NAMESPACE: ProfileNamespace = 'restricted:sensitive';

/** Facts kept per namespace (highest confidence first). */
export const NAMESPACE_TOP_K: Readonly<Record<ProfileNamespace, number>> = {
  profile_bio: 12,
  interaction_style: 10,
  project_seed: 12,
  'project_context:creative_portfolio': 18,
  'restricted:sensitive': 6,
};

/** One JSON file per namespace in the output directory. */
export const NAMESPACE_FILES: Readonly<Record<ProfileNamespace, string>> = {
  profile_bio: 'profile_bio.json',
  interaction_style: 'interaction_style.json',
  project_seed: 'project_seed.json',
  'project_context:creative_portfolio': 'project_context_creative_portfolio.json',
  'restricted:sensitive': 'restricted_sensitive.json',
};

export const POLICY_FILE = 'memory_policy.json';

/** Other spellings a model may use for a namespace. */
export const NAMESPACE_ALIASES: Readonly<Record<string, ProfileNamespace>> = {
  bio: 'profile_bio',
  profile: 'profile_bio',
  style: 'interaction_style',
  seed: 'project_seed',
  principles: 'project_seed',
  project_context_creative_portfolio: 'project_context:creative_portfolio',
  creative_portfolio: 'project_context:creative_portfolio',
  creative: 'project_context:creative_portfolio',
  restricted_sensitive: 'restricted:sensitive',
  sensitive: 'restricted:sensitive',
};

/** What the profile's namespaces are for (the extraction prompt and `memory_policy.json` share it). */
export const NAMESPACE_DESCRIPTIONS: Readonly<Record<ProfileNamespace, string>> = {
  profile_bio:
    'stable biography: names, family, location, career, long-lived constraints (no sensitive health details)',
  interaction_style: 'how the person wants to be talked to: tone, format and boundary preferences',
  project_seed: "operating principles for the assistant's work with this person",
  'project_context:creative_portfolio': 'creative projects, tools and aesthetics',
  'restricted:sensitive': 'mental health and similarly sensitive details (not loaded unless relevant)',
};

/** `memory_policy.json`: documentation of intent; the runtime does not read it. */
export function memoryPolicy(): Record<string, unknown> {
  return {
    always_load: ['profile_bio', 'interaction_style', 'project_seed'],
    conditional_load: {
      'project_context:creative_portfolio': {
        keywords: ['project', 'art', 'music', 'writing', 'design', 'portfolio', 'creative', 'draw', 'paint'],
      },
      'restricted:sensitive': {
        keywords: [
          'anxiety',
          'depression',
          'therapy',
          'panic',
          'stress',
          'medication',
          'diagnosis',
          'health',
        ],
        stored_only_with: 'clara memory bootstrap --apply --include-sensitive',
      },
    },
    top_k: NAMESPACE_TOP_K,
    descriptions: NAMESPACE_DESCRIPTIONS,
  };
}
