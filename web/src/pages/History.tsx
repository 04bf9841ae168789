/** History: every analysis with its thumbnail; filter by exercise and date; delete with confirmation. */
import { useState } from "react";
import { useSearchParams } from "react-router";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../api/client";
import type { Exercise, SessionItem, SessionList } from "../api/types";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { SessionCard, exerciseLabel } from "../components/SessionCard";
import { Empty, ErrorNote, PageHeader, Spinner, formatDate } from "../components/ui";
import { useTitle } from "../lib/useTitle";

const PAGE_SIZE = 9;

export function HistoryPage() {
  useTitle("History");
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number(params.get("page")) || 1);
  const exerciseId = params.get("exercise") ?? "";
  const dateFrom = params.get("from") ?? "";
  const dateTo = params.get("to") ?? "";
  const setParam = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    if (key !== "page") next.delete("page");
    setParams(next, { replace: true });
  };
  const client = useQueryClient();
  const exercises = useQuery({
    queryKey: ["exercises", "", null, false],
    queryFn: () => unwrap<{ exercises: Exercise[] }>(api.GET("/v1/exercises")),
    staleTime: 300_000,
  });
  const query = {
    page,
    limit: PAGE_SIZE,
    ...(exerciseId ? { exerciseId } : {}),
    ...(dateFrom ? { dateFrom } : {}),
    ...(dateTo ? { dateTo } : {}),
  };
  const sessions = useQuery({
    queryKey: ["sessions", query],
    queryFn: () => unwrap<SessionList>(api.GET("/v1/analysis/sessions", { params: { query } })),
    placeholderData: keepPreviousData,
    // Refresh while something is still being analysed.
    refetchInterval: (q) => (q.state.data?.sessions.some((s) => s.status === "pending" || s.status === "processing") ? 5000 : false),
  });
  const [toDelete, setToDelete] = useState<SessionItem | null>(null);
  const remove = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/v1/analysis/sessions/{session_id}", { params: { path: { session_id: id } } })),
    onSuccess: () => {
      setToDelete(null);
      client.invalidateQueries({ queryKey: ["sessions"] });
      client.invalidateQueries({ queryKey: ["progress"] });
    },
  });
  const pagination = sessions.data?.pagination;
  const filtered = !!(exerciseId || dateFrom || dateTo);

  return (
    <div>
      <PageHeader title="History" subtitle="Every set you have analysed." />
      <form className="card mb-6 grid gap-4 p-4 sm:grid-cols-2 sm:p-5 lg:grid-cols-4" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
        <div>
          <label htmlFor="filter-exercise" className="label">
            Exercise
          </label>
          <select id="filter-exercise" className="input" value={exerciseId} onChange={(e) => setParam("exercise", e.target.value)}>
            <option value="">All exercises</option>
            {exercises.data?.exercises.map((e) => (
              <option key={e.id} value={e.id}>
                {e.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="filter-from" className="label">
            From
          </label>
          <input id="filter-from" type="date" className="input" value={dateFrom} max={dateTo || undefined} onChange={(e) => setParam("from", e.target.value)} />
        </div>
        <div>
          <label htmlFor="filter-to" className="label">
            To
          </label>
          <input id="filter-to" type="date" className="input" value={dateTo} min={dateFrom || undefined} onChange={(e) => setParam("to", e.target.value)} />
        </div>
        <div className="flex items-end">
          <button type="button" className="btn-ghost w-full" disabled={!filtered} onClick={() => setParams(new URLSearchParams(), { replace: true })}>
            Clear filters
          </button>
        </div>
      </form>
      {sessions.isPending ? (
        <Spinner label="Loading your history" />
      ) : sessions.isError ? (
        <ErrorNote error={sessions.error} onRetry={() => sessions.refetch()} />
      ) : sessions.data.sessions.length === 0 ? (
        <Empty title={filtered ? "Nothing matches these filters" : "No analyses yet"}>{filtered ? "Try a wider date range or another exercise." : "Upload or record a set to get started."}</Empty>
      ) : (
        <>
          <h2 className="sr-only">Your analyses</h2>
          <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
            {sessions.data.sessions.map((s) => (
              <li key={s.id}>
                <SessionCard
                  session={s}
                  actions={
                    <button type="button" className="btn-ghost -ml-2 self-start text-red-800 hover:bg-red-50" onClick={() => setToDelete(s)} aria-label={`Delete ${exerciseLabel(s)} from ${formatDate(s.createdAt, true)}`}>
                      Delete
                    </button>
                  }
                />
              </li>
            ))}
          </ul>
          {pagination && pagination.totalPages > 1 && (
            <nav aria-label="Pages" className="mt-8 flex items-center justify-center gap-3">
              <button type="button" className="btn-secondary" disabled={page <= 1} onClick={() => setParam("page", String(page - 1))}>
                Previous
              </button>
              <span className="text-sm text-slate-700">
                Page {pagination.page} of {pagination.totalPages}
              </span>
              <button type="button" className="btn-secondary" disabled={page >= pagination.totalPages} onClick={() => setParam("page", String(page + 1))}>
                Next
              </button>
            </nav>
          )}
        </>
      )}
      <ConfirmDialog
        open={!!toDelete}
        title="Delete this analysis?"
        confirmLabel="Delete"
        busy={remove.isPending}
        onCancel={() => {
          setToDelete(null);
          remove.reset();
        }}
        onConfirm={() => toDelete && remove.mutate(toDelete.id)}
      >
        <p>
          The {toDelete ? exerciseLabel(toDelete).toLowerCase() : ""} analysis from {formatDate(toDelete?.createdAt, true)}, its video and its results will be removed for good.
        </p>
        {remove.isError && (
          <div className="mt-3">
            <ErrorNote error={remove.error} />
          </div>
        )}
      </ConfirmDialog>
    </div>
  );
}
