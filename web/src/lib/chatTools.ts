/** The coach's tool calls, said as what it looked at. */

const LOOKED_AT: Record<string, (args: Record<string, unknown>) => string> = {
  get_analysis_result: () => "your result for this set",
  get_rep: (a) => (a.rep_number !== undefined ? `rep ${String(a.rep_number)}` : "one rep"),
  get_metric_series: (a) => (a.metric_name ? `the ${String(a.metric_name).replace(/_/g, " ")} over time` : "a measurement over time"),
  get_fault_frames: (a) => (a.issue_type ? `the frames with ${String(a.issue_type).replace(/_/g, " ")}` : "the frames with a fault"),
  get_score_breakdown: () => "how the score was made",
  describe_exercise: (a) => (a.topic ? `notes on ${String(a.topic)}` : "notes on the exercise"),
  compare_with_history: () => "your earlier sessions of this exercise",
};

export function lookedAt(name: string, args: Record<string, unknown> | undefined): string {
  const f = LOOKED_AT[name];
  if (f) return f(args ?? {});
  return name.replace(/^get_/, "").replace(/_/g, " ");
}
