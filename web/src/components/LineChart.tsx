/** A uPlot chart that follows its container's width. */
import { useEffect, useRef } from "react";
import uPlot from "uplot";

export function LineChart({
  data,
  options,
  label,
  height = 260,
}: {
  data: uPlot.AlignedData;
  options: Omit<uPlot.Options, "width" | "height">;
  label: string;
  height?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const plot = new uPlot({ ...options, width: Math.max(el.clientWidth, 200), height } as uPlot.Options, data, el);
    const observer = new ResizeObserver(() => plot.setSize({ width: Math.max(el.clientWidth, 200), height }));
    observer.observe(el);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [data, options, height]);
  return <div ref={box} role="img" aria-label={label} className="w-full overflow-hidden" />;
}
