/** A drawn icon per exercise category (emoji depend on the device's fonts). */
const PATHS: Record<string, string> = {
  "Upper Body": "M3 10v4M6 8v8M18 8v8M21 10v4M6 12h12",
  "Lower Body": "M10 3v7l-3 5v6M14 3v7l3 5v6M7 21h3M14 21h3",
  Core: "M12 3a9 9 0 100 18 9 9 0 000-18zM12 7a5 5 0 100 10 5 5 0 000-10zM12 11a1 1 0 100 2 1 1 0 000-2z",
  Other: "M13 2L4 14h7l-1 8 9-12h-7z",
};

export function CategoryIcon({ category }: { category: string }) {
  return (
    <svg viewBox="0 0 24 24" className="size-6 text-brand-700" aria-hidden="true">
      <path d={PATHS[category] ?? PATHS.Other} fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
