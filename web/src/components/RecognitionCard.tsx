/** What the movement was recognised as, a named exercise that does not fit, and re-analysis as
 * another exercise (POST /v1/analysis/sessions/{id}/reanalyze). */
import { useState, type FormEvent } from "react";
import { useNavigate } from "react-router";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../api/client";
import type { Exercise, Result } from "../api/types";
import { ErrorNote, Notice } from "./ui";

type Recognition = NonNullable<Result["recognition"]>;

function percent(x: number): string {
  return `${Math.round(x * 100)}%`;
}

function RunnersUp({ recognition }: { recognition: Recognition }) {
  const others = recognition.candidates.filter((c) => c.exerciseId !== recognition.exerciseId);
  if (!others.length) return null;
  return (
    <p className="mt-2 text-sm text-slate-700">
      <span className="font-medium">Next closest: </span>
      {others.map((c) => `${c.exercise} (${percent(c.confidence)})`).join(", ")}
    </p>
  );
}

function Reanalyze({ sessionId, current, suggested }: { sessionId: string; current: string; suggested: string | null }) {
  const navigate = useNavigate();
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const [exerciseId, setExerciseId] = useState("");
  const exercises = useQuery({
    queryKey: ["exercises", "", null, false],
    queryFn: () => unwrap<{ exercises: Exercise[] }>(api.GET("/v1/exercises")),
    staleTime: 300_000,
    enabled: open,
  });
  const list = exercises.data?.exercises ?? [];
  const chosen = exerciseId || list.find((e) => e.name.toLowerCase() === suggested?.toLowerCase())?.id || "";
  const send = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/v1/analysis/sessions/{session_id}/reanalyze", {
          params: { path: { session_id: sessionId } },
          body: { exerciseId: chosen },
        }),
      ),
    onSuccess: () => {
      client.removeQueries({ queryKey: ["results", sessionId] });
      client.removeQueries({ queryKey: ["series", sessionId] });
      client.removeQueries({ queryKey: ["pose", sessionId] });
      client.invalidateQueries({ queryKey: ["sessions"] });
      navigate(`/sessions/${sessionId}/progress`);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (chosen) send.mutate();
  };
  if (!open) {
    return (
      <button type="button" className="btn-secondary no-print mt-3" onClick={() => setOpen(true)}>
        Not a {current}? Choose the exercise
      </button>
    );
  }
  return (
    <form onSubmit={submit} className="no-print mt-3 space-y-3">
      <div>
        <label htmlFor="reanalyze-exercise" className="label">
          Analyse this video again as
        </label>
        <select id="reanalyze-exercise" className="input" value={chosen} onChange={(e) => setExerciseId(e.target.value)} disabled={exercises.isPending}>
          <option value="" disabled>
            {exercises.isPending ? "Loading exercises…" : "Choose an exercise"}
          </option>
          {list.map((e) => (
            <option key={e.id} value={e.id}>
              {e.name}
            </option>
          ))}
        </select>
      </div>
      {exercises.isError && <ErrorNote error={exercises.error} onRetry={() => exercises.refetch()} />}
      {send.isError && <ErrorNote error={send.error} />}
      <div className="flex flex-wrap gap-2">
        <button type="submit" className="btn-primary" disabled={!chosen || send.isPending}>
          {send.isPending ? "Starting…" : "Analyse again"}
        </button>
        <button type="button" className="btn-ghost" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
      <p className="text-xs text-slate-600">The new analysis replaces these results.</p>
    </form>
  );
}

export function RecognitionCard({ sessionId, exerciseName, recognition }: { sessionId: string; exerciseName: string; recognition: Recognition }) {
  if (recognition.mismatch) {
    return (
      <section aria-labelledby="recognition-title">
        <Notice tone="warn">
          <h2 id="recognition-title" className="font-semibold">
            This does not look like {exerciseName}
          </h2>
          <p className="mt-1">{recognition.message}</p>
          <RunnersUp recognition={recognition} />
          <Reanalyze sessionId={sessionId} current={exerciseName} suggested={recognition.exercise} />
        </Notice>
      </section>
    );
  }
  const named = !!recognition.named;
  return (
    <section className="card" aria-labelledby="recognition-title">
      <h2 id="recognition-title" className="text-lg font-semibold">
        Exercise
      </h2>
      {named ? (
        <p className="mt-2 text-slate-800">
          You named it <span className="font-semibold">{exerciseName}</span>
          {recognition.checked ? "; the movement fits it." : "; Biome cannot check this exercise against the movement."}
        </p>
      ) : (
        <p className="mt-2 text-slate-800">
          Recognised as <span className="font-semibold">{recognition.exercise}</span>, {percent(recognition.confidence)} confident
          {recognition.sure ? "." : ". Biome is not sure: check it is right."}
        </p>
      )}
      <RunnersUp recognition={recognition} />
      <Reanalyze sessionId={sessionId} current={exerciseName} suggested={null} />
    </section>
  );
}
