/** The primary angle over time, with rep boundaries shaded and threshold lines. */
import { useMemo } from "react";
import type uPlot from "uplot";
import type { Rep, Series } from "../api/types";
import { LineChart } from "./LineChart";

export function AngleChart({ series, reps }: { series: Series; reps: Rep[] }) {
  const data = useMemo<uPlot.AlignedData>(
    () => [series.frames.map((f) => f / (series.fps || 30)), series.values.map((v) => (v === null ? null : v))],
    [series],
  );
  const options = useMemo(() => {
    const fps = series.fps || 30;
    const thresholds = series.thresholds ?? [];
    const opts: Omit<uPlot.Options, "width" | "height"> = {
      scales: { x: { time: false } },
      axes: [
        { label: "seconds", stroke: "#475569", grid: { stroke: "#e2e8f0" } },
        { label: `${series.label ?? series.signal} (${series.unit})`, stroke: "#475569", grid: { stroke: "#e2e8f0" }, size: 56 },
      ],
      series: [{ label: "Time (s)", value: (_u, v) => (v == null ? "–" : v.toFixed(2)) }, { label: series.label ?? series.signal, stroke: "#047857", width: 2, spanGaps: false, value: (_u, v) => (v == null ? "–" : `${v.toFixed(0)}${series.unit}`) }],
      legend: { show: true },
      hooks: {
        drawClear: [
          (u) => {
            // Shade each rep, alternating, behind the line.
            const { ctx } = u;
            const top = u.bbox.top;
            const h = u.bbox.height;
            ctx.save();
            reps.forEach((r, i) => {
              const x0 = u.valToPos(r.startFrame / fps, "x", true);
              const x1 = u.valToPos(r.endFrame / fps, "x", true);
              ctx.fillStyle = i % 2 ? "rgba(16,185,129,0.10)" : "rgba(16,185,129,0.18)";
              ctx.fillRect(x0, top, Math.max(x1 - x0, 1), h);
            });
            ctx.restore();
          },
        ],
        draw: [
          (u) => {
            const { ctx } = u;
            ctx.save();
            ctx.font = `${12 * devicePixelRatio}px system-ui, sans-serif`;
            // uPlot leaves the axes' alignment on the context.
            ctx.textAlign = "left";
            ctx.textBaseline = "alphabetic";
            reps.forEach((r) => {
              const x = u.valToPos(r.startFrame / fps, "x", true);
              ctx.fillStyle = "#065f46";
              ctx.fillText(String(r.index), x + 3 * devicePixelRatio, u.bbox.top + 14 * devicePixelRatio);
            });
            thresholds.forEach((t) => {
              const y = u.valToPos(t.value, "y", true);
              ctx.strokeStyle = "#b91c1c";
              ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
              ctx.lineWidth = devicePixelRatio;
              ctx.beginPath();
              ctx.moveTo(u.bbox.left, y);
              ctx.lineTo(u.bbox.left + u.bbox.width, y);
              ctx.stroke();
              ctx.fillStyle = "#b91c1c";
              ctx.fillText(t.label, u.bbox.left + 4 * devicePixelRatio, y - 4 * devicePixelRatio);
            });
            ctx.restore();
          },
        ],
      },
    };
    return opts;
  }, [series, reps]);
  const measured = series.values.filter((v) => v !== null) as number[];
  const summary = measured.length
    ? `${series.label ?? series.signal} from ${Math.min(...measured).toFixed(0)}${series.unit} to ${Math.max(...measured).toFixed(0)}${series.unit} over ${reps.length} reps`
    : "No measured values";
  return <LineChart data={data} options={options} label={`Chart: ${summary}`} />;
}
