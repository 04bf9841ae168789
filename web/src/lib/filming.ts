/** How to film an exercise: which camera view lets the most of its form checks be made. */

const VIEW_NAMES: Record<string, string> = {
  side: "from the side",
  front: "from the front",
  rear: "from behind",
  oblique: "at a 45° angle",
};

export const GENERAL_TIPS = [
  "Your whole body in the picture, head to feet, for the whole set.",
  "Camera still (lean it on something), at about hip height, 2–3 m away.",
  "Good light from the front; avoid a bright window behind you.",
  "One person in the frame; up to 5 minutes and 100 MB.",
];

export interface ViewCoverage {
  view: string;
  /** "from the side" */
  phrase: string;
  covered: number;
  total: number;
  /** The checks this view cannot make. */
  missing: string[];
}

/** Each view the exercise can be judged from, with the checks it allows; best first. */
export function viewCoverage(views: string[], checks: { issue: string; views: string[] }[]): ViewCoverage[] {
  const rows = views
    .filter((v) => v in VIEW_NAMES)
    .map((view, order) => {
      const missing = checks.filter((c) => !c.views.includes(view)).map((c) => c.issue);
      return { view, phrase: VIEW_NAMES[view], covered: checks.length - missing.length, total: checks.length, missing, order };
    });
  // Most checks first; the catalog's own order breaks ties.
  rows.sort((a, b) => b.covered - a.covered || a.order - b.order);
  return rows.map(({ order: _order, ...row }) => row);
}

function lower(s: string): string {
  return s ? s[0].toLowerCase() + s.slice(1) : s;
}

/** One line for a view: "at a 45° angle: 4 of 5 checks (not knee valgus)". */
export function coverageLine(c: ViewCoverage): string {
  if (!c.total) return c.phrase;
  if (c.covered === c.total) return `${c.phrase}: ${c.total === 1 ? "its one check" : `all ${c.total} checks`}`;
  return `${c.phrase}: ${c.covered} of ${c.total} checks (not ${c.missing.map(lower).join(", ")})`;
}

/** "Film at a 45° angle: 4 of 5 checks (not knee valgus)." — or null without catalog views. */
export function filmingAdvice(views: string[] | undefined | null, checks: { issue: string; views: string[] }[] = []): string | null {
  const rows = viewCoverage(views ?? [], checks);
  if (!rows.length) return null;
  return `Film ${coverageLine(rows[0])}.`;
}
