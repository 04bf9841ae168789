/**
 * Threshold lines for the angle plot, read from the metrics table: a metric about the plotted
 * signal ("Knee Angle (bottom)" for "Knee Angle") whose target is a bound ("≤ 90°").
 */
/** "knee_angle" → "Knee Angle", the way the metrics table names it. */
export function signalLabel(signal: string): string {
  return signal
    .split(/[_\s]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join(" ");
}

export function thresholdsFromMetrics(
  signalLabel: string | undefined,
  metrics: { name: string; target: string }[],
): { label: string; value: number }[] {
  if (!signalLabel) return [];
  const base = signalLabel.toLowerCase();
  const out: { label: string; value: number }[] = [];
  for (const m of metrics) {
    if (!m.name.toLowerCase().startsWith(base)) continue;
    const match = /^\s*(≤|≥|<=|>=|<|>)\s*(-?\d+(?:\.\d+)?)/.exec(m.target);
    if (!match) continue;
    out.push({ label: `${m.name.slice(signalLabel.length).trim() || m.name} target ${m.target.trim()}`.trim(), value: Number(match[2]) });
  }
  return out;
}
