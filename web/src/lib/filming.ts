/** How to film an exercise, from the camera views its checks can be judged from. */

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

/** "Film from the side (or at a 45° angle)." — the first view is the one that sees most. */
export function filmingAdvice(views: string[] | undefined | null): string | null {
  const known = (views ?? []).filter((v) => v in VIEW_NAMES);
  if (!known.length) return null;
  const [best, ...rest] = known;
  const others = rest.map((v) => VIEW_NAMES[v]);
  const tail = others.length ? ` (also works ${others.join(others.length > 1 ? ", " : "").replace(/, ([^,]*)$/, " or $1")})` : "";
  return `Film ${VIEW_NAMES[best]}${tail}.`;
}
