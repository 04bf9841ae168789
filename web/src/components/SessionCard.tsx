/** One analysis in a list: thumbnail, exercise, date, status and score. */
import { Link } from "react-router";
import type { SessionItem } from "../api/types";
import { ScoreValue, formatDate, scoreTone } from "./ui";

const STATUS: Record<string, [string, string]> = {
  pending: ["Queued", "bg-slate-100 text-slate-800"],
  processing: ["Analysing", "bg-sky-100 text-sky-900"],
  completed: ["Done", "bg-brand-100 text-brand-900"],
  failed: ["Failed", "bg-red-100 text-red-900"],
};

/** The session's exercise, or what to call it while the service is still recognising it. */
export function exerciseLabel(s: { exerciseName: string; status?: string }): string {
  if (s.exerciseName) return s.exerciseName;
  // No name yet: the analysis recognises the exercise from the movement as it runs.
  return s.status === "pending" || s.status === "processing" ? "Recognising…" : "Unnamed exercise";
}

export function sessionHref(s: { id: string; status: string }): string {
  return s.status === "completed" ? `/results/${s.id}` : `/sessions/${s.id}/progress`;
}

export function SessionThumb({ url, alt }: { url?: string | null; alt: string }) {
  return url ? (
    <img src={url} alt={alt} loading="lazy" className="aspect-video w-full rounded-xl bg-slate-200 object-cover" />
  ) : (
    <div className="flex aspect-video w-full items-center justify-center rounded-xl bg-gradient-to-br from-slate-100 to-slate-200 text-slate-500" aria-hidden="true">
      <svg viewBox="0 0 24 24" className="size-8">
        <path d="M4 6h11v12H4zM15 10l5-3v10l-5-3" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinejoin="round" />
      </svg>
    </div>
  );
}

export function SessionCard({ session, actions }: { session: SessionItem; actions?: React.ReactNode }) {
  const [label, tone] = STATUS[session.status] ?? [session.status, "bg-slate-100 text-slate-800"];
  return (
    <article className="card flex flex-col gap-3 p-4 sm:p-4">
      <Link to={sessionHref(session)} className="group block rounded-xl" aria-label={`${exerciseLabel(session)}, ${formatDate(session.createdAt, true)}: open`}>
        <SessionThumb url={session.thumbnailUrl} alt="" />
      </Link>
      <div className="flex items-start justify-between gap-2">
        <div className="min-w-0">
          <h3 className="truncate font-semibold">
            <Link to={sessionHref(session)} className="hover:underline">
              {exerciseLabel(session)}
            </Link>
          </h3>
          <p className="text-sm text-slate-600">{formatDate(session.createdAt, true)}</p>
        </div>
        {session.status === "completed" ? (
          <span className={`chip text-sm ${scoreTone(session.overallScore)}`}>
            <ScoreValue score={session.overallScore} />
          </span>
        ) : (
          <span className={`chip ${tone}`}>{label}</span>
        )}
      </div>
      {actions}
    </article>
  );
}
