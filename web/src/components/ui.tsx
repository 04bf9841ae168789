/** Small building blocks shared by the pages. */
import type { ReactNode } from "react";
import { describeError } from "../api/errors";

export function PageHeader({ title, subtitle, action }: { title: string; subtitle?: ReactNode; action?: ReactNode }) {
  return (
    <div className="mb-6 flex flex-wrap items-end justify-between gap-4">
      <div className="min-w-0">
        <h1 className="text-2xl font-bold tracking-tight sm:text-3xl">{title}</h1>
        {subtitle && <p className="mt-1 text-slate-600">{subtitle}</p>}
      </div>
      {action}
    </div>
  );
}

export function Spinner({ label = "Loading" }: { label?: string }) {
  return (
    <div role="status" className="flex items-center gap-3 py-6 text-slate-600">
      <span className="size-5 animate-spin rounded-full border-2 border-slate-300 border-t-brand-600" aria-hidden="true" />
      <span>{label}…</span>
    </div>
  );
}

export function ErrorNote({ error, title, onRetry }: { error: unknown; title?: string; onRetry?: () => void }) {
  return (
    <div role="alert" className="rounded-xl border border-red-200 bg-red-50 p-4 text-red-900">
      {title && <p className="font-semibold">{title}</p>}
      <p>{describeError(error)}</p>
      {onRetry && (
        <button type="button" className="btn-secondary mt-3" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Notice({ children, tone = "info" }: { children: ReactNode; tone?: "info" | "warn" | "ok" }) {
  const colours = {
    info: "border-sky-200 bg-sky-50 text-sky-900",
    warn: "border-amber-200 bg-amber-50 text-amber-900",
    ok: "border-brand-200 bg-brand-50 text-brand-900",
  }[tone];
  return <div className={`rounded-xl border p-4 ${colours}`}>{children}</div>;
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="rounded-2xl border border-dashed border-slate-300 bg-white px-6 py-10 text-center">
      <p className="font-semibold text-slate-800">{title}</p>
      {children && <div className="mt-2 text-slate-600">{children}</div>}
    </div>
  );
}

/** A score out of ten, or "Not rated" when the analysis could not score it. */
export function ScoreValue({ score, className = "" }: { score: number | null | undefined; className?: string }) {
  if (score === null || score === undefined) return <span className={`text-slate-600 ${className}`}>Not rated</span>;
  return (
    <span className={className}>
      {score.toFixed(1)}
      <span className="font-normal opacity-90"> / 10</span>
    </span>
  );
}

export function scoreTone(score: number | null | undefined): string {
  if (score === null || score === undefined) return "bg-slate-100 text-slate-700";
  if (score >= 8) return "bg-brand-100 text-brand-900";
  if (score >= 5) return "bg-amber-100 text-amber-900";
  return "bg-red-100 text-red-900";
}

export function formatDate(iso: string | null | undefined, withTime = false): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "—";
  return d.toLocaleString(undefined, withTime ? { dateStyle: "medium", timeStyle: "short" } : { dateStyle: "medium" });
}

/** A progress bar (0–1) with its accessible name and value. */
export function ProgressBar({ value, label }: { value: number; label: string }) {
  const pct = Math.round(Math.min(Math.max(value, 0), 1) * 100);
  return (
    <div role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} className="h-3 w-full overflow-hidden rounded-full bg-slate-200">
      <div className="h-full rounded-full bg-brand-600 transition-[width] duration-500" style={{ width: `${pct}%` }} />
    </div>
  );
}
