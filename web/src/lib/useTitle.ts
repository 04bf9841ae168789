import { useEffect } from "react";

/** Sets the document title (screen readers announce it on navigation). */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Biome` : "Biome — AI form coach";
  }, [title]);
}
