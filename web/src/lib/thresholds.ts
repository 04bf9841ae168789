/**
 * Threshold lines for the angle plot, read from the metrics table: a metric about the plotted
 * signal ("Knee Angle (bottom)" for "Knee Angle") whose target is a bound ("≤ 90°").
 */
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
