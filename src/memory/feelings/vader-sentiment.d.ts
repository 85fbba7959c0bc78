declare module 'vader-sentiment' {
  interface PolarityScores {
    neg: number;
    neu: number;
    pos: number;
    /** Normalised sum of the lexicon valences, −1 (most negative) … +1 (most positive). */
    compound: number;
  }

  const vader: {
    SentimentIntensityAnalyzer: {
      polarity_scores(text: string): PolarityScores;
    };
  };
  export default vader;
}
