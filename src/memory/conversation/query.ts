/**
 * Turns a question into full-text search terms: dates become the compact day/month terms turns are indexed with
 * ("on 25 May, 2022" → d20220525), relative dates are resolved against today when known ("yesterday" → the day
 * term, the word itself kept too), English function and question words are dropped ("What did Caroline
 * research?" → "caroline research"), and words are searched by their Porter stem where the store's light stem
 * falls short ("movies" → "movi"), so BM25 ranks by the words that carry the question.
 */
import { words } from '../stores/sqlite-text-index.js';
import { type Day, relativeDateTerms, rewriteQueryDates } from './dates.js';
import { searchStem } from './porter.js';

const STOPWORDS = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before being below ' +
    'between both but by can could did do does doing done down during each either else ever few for from ' +
    'further get got had has have having he her here hers herself him himself his how i if in into is it its ' +
    'itself just me might mine more most must my myself no nor not now of off on once only or other ought our ' +
    'ours ourselves out over own same shall she should so some such than that the their theirs them ' +
    'themselves then there these they this those through to too under until up upon us very was we were what ' +
    'whatever when where whether which while who whom whose why will with would yet you your yours yourself ' +
    "yourselves 's s t d ll m re ve"
  ).split(' '),
);

/** Words that shape a question about a conversation without saying what it is about. */
const QUESTION_FILLERS = new Set(
  (
    'kind kinds sort sorts type types many much long likely maybe probably think thinks say says said tell ' +
    'told mention mentioned mentions consider considered someone something anything thing things one ones'
  ).split(' '),
);

export interface ProcessedQuery {
  /** Space-separated terms for the store's full-text search (empty when the query has none). */
  text: string;
  /** The query's words that carry meaning (no function words), before stemming: used to spot speaker names. */
  words: string[];
}

/** `today`: the calendar day relative dates in the query ("yesterday") are resolved against. */
export function processQuery(query: string, today?: Day): ProcessedQuery {
  const { text } = rewriteQueryDates(query);
  const relative = today ? relativeDateTerms(text, today) : [];
  const all = words(text);
  const kept = all.filter(
    (w) => !STOPWORDS.has(w) && !QUESTION_FILLERS.has(w) && (w.length > 1 || /\d/.test(w)),
  );
  // A query made only of function words ("what did you do?") still searches for them.
  const chosen = kept.length > 0 ? kept : all;
  return { text: [...new Set([...chosen.map(searchStem), ...relative])].join(' '), words: chosen };
}
