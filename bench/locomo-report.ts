/** Recall@k bookkeeping and the human table for the LoCoMo benchmark. */

export const KS = [1, 5, 10, 20] as const;

export interface RecallAtK {
  'r@1': number;
  'r@5': number;
  'r@10': number;
  'r@20': number;
}

export interface Recall extends RecallAtK {
  by_category: Record<string, RecallAtK & { questions: number }>;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

function recallOf(ranks: readonly (number | undefined)[]): RecallAtK {
  const at = (k: number) =>
    ranks.length === 0 ? 0 : round(ranks.filter((r) => r !== undefined && r <= k).length / ranks.length);
  return { 'r@1': at(1), 'r@5': at(5), 'r@10': at(10), 'r@20': at(20) };
}

export class RecallCounter {
  private readonly ranks: { category: number; rank: number | undefined }[] = [];

  /** `rank`: 1-based position of the first evidence turn, undefined when not in the results. */
  add(category: number, rank: number | undefined): void {
    this.ranks.push({ category, rank });
  }

  get questions(): number {
    return this.ranks.length;
  }

  result(): Recall {
    const categories = [...new Set(this.ranks.map((r) => r.category))].sort((a, b) => a - b);
    const by_category: Recall['by_category'] = {};
    for (const category of categories) {
      const ranks = this.ranks.filter((r) => r.category === category).map((r) => r.rank);
      by_category[String(category)] = { ...recallOf(ranks), questions: ranks.length };
    }
    return { ...recallOf(this.ranks.map((r) => r.rank)), by_category };
  }
}

const CATEGORY_NAMES: Record<string, string> = {
  '1': 'multi-hop',
  '2': 'temporal',
  '3': 'open-domain',
  '4': 'single-hop',
};

export function renderTable(results: Record<string, Recall>): string {
  const header = ['search', 'category', 'questions', ...KS.map((k) => `r@${k}`)];
  const rows: string[][] = [];
  for (const [mode, recall] of Object.entries(results)) {
    const total = Object.values(recall.by_category).reduce((n, c) => n + c.questions, 0);
    rows.push([mode, 'all', String(total), ...KS.map((k) => recall[`r@${k}`].toFixed(3))]);
    for (const [category, r] of Object.entries(recall.by_category)) {
      const label = `${category} ${CATEGORY_NAMES[category] ?? ''}`.trim();
      rows.push(['', label, String(r.questions), ...KS.map((k) => r[`r@${k}`].toFixed(3))]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const render = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  return [render(header), render(widths.map((w) => '-'.repeat(w))), ...rows.map(render)].join('\n');
}
