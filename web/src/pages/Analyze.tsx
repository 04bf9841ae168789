/** Upload or record: choose the exercise, then a file (checked here first) or a webcam recording. */
import { useEffect, useRef, useState, type DragEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../api/client";
import { describeError } from "../api/errors";
import type { Exercise } from "../api/types";
import { Recorder, type Recording } from "../components/Recorder";
import { ErrorNote, PageHeader, ProgressBar } from "../components/ui";
import { GENERAL_TIPS, filmingAdvice } from "../lib/filming";
import { uploadVideo, type UploadHandle } from "../lib/upload";
import { ACCEPT, checkDuration, checkFile, readDuration } from "../lib/videoFile";
import { useTitle } from "../lib/useTitle";

type Mode = "upload" | "record";

/** The exercise choice that lets the service recognise the exercise from the movement. */
const RECOGNISE = "recognise";

interface Picked {
  blob: Blob;
  name: string;
  size: number;
  seconds: number | null;
}

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

function Dropzone({ onFile, disabled }: { onFile: (f: File) => void; disabled: boolean }) {
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const drop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const f = e.dataTransfer.files?.[0];
    if (f && !disabled) onFile(f);
  };
  return (
    <div
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={drop}
      className={`flex flex-col items-center justify-center gap-3 rounded-2xl border-2 border-dashed px-6 py-10 text-center transition-colors ${over ? "border-brand-600 bg-brand-50" : "border-slate-300 bg-slate-50"}`}
    >
      <svg viewBox="0 0 24 24" className="size-10 text-brand-700" aria-hidden="true">
        <path d="M12 16V4m0 0l-4 4m4-4l4 4M4 16v3a1 1 0 001 1h14a1 1 0 001-1v-3" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
      <p className="font-semibold">Drag and drop your video here</p>
      <p className="text-sm text-slate-600">MP4, MOV, AVI or WebM · up to 100 MB and 5 minutes</p>
      <input
        ref={input}
        id="video-file"
        type="file"
        accept={ACCEPT}
        className="peer sr-only"
        disabled={disabled}
        onChange={(e) => {
          const f = e.target.files?.[0];
          if (f) onFile(f);
          e.target.value = "";
        }}
      />
      {/* After the input, so the label shows the (visually hidden) input's keyboard focus. */}
      <label htmlFor="video-file" className="btn-secondary cursor-pointer peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-brand-600">
        Choose a file
      </label>
    </div>
  );
}

export function AnalyzePage() {
  useTitle("Analyse a video");
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const client = useQueryClient();
  const exercises = useQuery({
    queryKey: ["exercises", "", null, false],
    queryFn: () => unwrap<{ exercises: Exercise[] }>(api.GET("/v1/exercises")),
    staleTime: 300_000,
  });
  const [exerciseId, setExerciseId] = useState(params.get("exercise") ?? "");
  const [mode, setMode] = useState<Mode>("upload");
  const [picked, setPicked] = useState<Picked | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);
  const [progress, setProgress] = useState<number | null>(null);
  const [uploadError, setUploadError] = useState<unknown>(null);
  const handle = useRef<UploadHandle | null>(null);
  useEffect(() => () => handle.current?.cancel(), []);

  const list = exercises.data?.exercises ?? [];
  const exercise = list.find((e) => e.id === exerciseId);
  const recognise = exerciseId === RECOGNISE;
  const chosen = recognise || !!exercise;
  useEffect(() => {
    // A stale ?exercise= that is not in the catalog: fall back to choosing.
    if (exercises.data && exerciseId && !chosen) setExerciseId("");
  }, [exercises.data, exerciseId, chosen]);

  const pickFile = async (file: File) => {
    setUploadError(null);
    setPicked(null);
    const bad = checkFile(file);
    if (bad) {
      setProblem(bad);
      return;
    }
    setChecking(true);
    const seconds = await readDuration(file);
    setChecking(false);
    const long = checkDuration(seconds);
    setProblem(long);
    if (!long) setPicked({ blob: file, name: file.name, size: file.size, seconds });
  };

  const onRecorded = (rec: Recording | null) => {
    setUploadError(null);
    setProblem(null);
    setPicked(rec ? { blob: rec.blob, name: `recording-${Date.now()}.webm`, size: rec.blob.size, seconds: rec.seconds } : null);
  };

  const send = async () => {
    if (!picked || !chosen) return;
    setUploadError(null);
    setProgress(0);
    handle.current = uploadVideo(picked.blob, picked.name, exercise ? { name: exercise.name, id: exercise.id } : null, setProgress);
    try {
      const res = await handle.current.promise;
      client.invalidateQueries({ queryKey: ["sessions"] });
      navigate(`/sessions/${res.sessionId}/progress`);
    } catch (err) {
      setProgress(null);
      if (!(err instanceof DOMException && err.name === "AbortError")) setUploadError(err);
    } finally {
      handle.current = null;
    }
  };

  const uploading = progress !== null;
  const advice = exercise ? filmingAdvice(exercise.views, exercise.checks) : null;

  return (
    <div>
      <PageHeader title="Analyse a set" subtitle="Choose the exercise, then upload a video or record one with your camera." />
      <div className="grid gap-6 lg:grid-cols-[1fr_20rem]">
        <div className="space-y-6">
          <section className="card" aria-labelledby="step-exercise">
            <h2 id="step-exercise" className="mb-3 text-lg font-semibold">
              1. Exercise
            </h2>
            <label htmlFor="exercise" className="label">
              Exercise
            </label>
            <select id="exercise" className="input" value={exerciseId} onChange={(e) => setExerciseId(e.target.value)} disabled={uploading}>
              <option value="">{exercises.isPending ? "Loading…" : "Choose an exercise"}</option>
              <option value={RECOGNISE}>Not sure — let Biome recognise it</option>
              {list.map((e) => (
                <option key={e.id} value={e.id}>
                  {e.name}
                </option>
              ))}
            </select>
            {exercises.isError && <p className="mt-2 text-sm text-red-800">{describeError(exercises.error)}</p>}
            {recognise && <p className="mt-3 text-sm text-slate-700">Biome will tell from the movement which exercise it is. Film from the side if you can.</p>}
            {exercise && (
              <p className="mt-3 text-sm text-slate-700">
                {advice ?? "Film with your whole body in frame, camera still at hip height."}
              </p>
            )}
            <p className="mt-2 text-sm text-slate-600">
              Not sure?{" "}
              <Link to="/exercises" className="font-semibold text-brand-700 underline">
                Browse the exercises
              </Link>
            </p>
          </section>

          <section className="card" aria-labelledby="step-video">
            <h2 id="step-video" className="mb-3 text-lg font-semibold">
              2. Video
            </h2>
            <div role="tablist" aria-label="How to add the video" className="mb-4 inline-flex rounded-xl bg-slate-100 p-1">
              {(
                [
                  ["upload", "Upload a file"],
                  ["record", "Record with camera"],
                ] as const
              ).map(([m, label]) => (
                <button
                  key={m}
                  type="button"
                  role="tab"
                  id={`tab-${m}`}
                  aria-selected={mode === m}
                  aria-controls={`panel-${m}`}
                  disabled={uploading}
                  onClick={() => {
                    setMode(m);
                    setPicked(null);
                    setProblem(null);
                  }}
                  className={`rounded-lg px-3 py-1.5 text-sm font-semibold ${mode === m ? "bg-white text-slate-900 shadow-sm" : "text-slate-700"}`}
                >
                  {label}
                </button>
              ))}
            </div>
            <div role="tabpanel" id={`panel-${mode}`} aria-labelledby={`tab-${mode}`}>
              {mode === "upload" ? <Dropzone onFile={pickFile} disabled={uploading} /> : <Recorder onRecorded={onRecorded} />}
            </div>
            {checking && <p className="mt-3 text-sm text-slate-600">Checking the video…</p>}
            {problem && (
              <p role="alert" className="mt-3 rounded-xl border border-red-200 bg-red-50 p-3 text-red-900">
                {problem}
              </p>
            )}
            {picked && mode === "upload" && (
              <p className="mt-3 rounded-xl bg-slate-50 p-3 text-sm text-slate-700">
                <span className="font-semibold">{picked.name}</span> · {formatSize(picked.size)}
                {picked.seconds !== null ? ` · ${Math.round(picked.seconds)} s` : ""}
              </p>
            )}
          </section>

          <section className="card" aria-labelledby="step-send">
            <h2 id="step-send" className="mb-3 text-lg font-semibold">
              3. Analyse
            </h2>
            {uploading ? (
              <div className="space-y-3">
                <div className="flex justify-between text-sm">
                  <span>Uploading…</span>
                  <span>{Math.round((progress ?? 0) * 100)}%</span>
                </div>
                <ProgressBar value={progress ?? 0} label="Upload progress" />
                <button type="button" className="btn-secondary" onClick={() => handle.current?.cancel()}>
                  Cancel upload
                </button>
              </div>
            ) : (
              <>
                <button type="button" className="btn-primary" disabled={!picked || !chosen} onClick={send}>
                  Upload and analyse
                </button>
                {!chosen && <p className="mt-2 text-sm text-slate-600">Choose the exercise first.</p>}
                {chosen && !picked && <p className="mt-2 text-sm text-slate-600">Add a video first.</p>}
              </>
            )}
            {uploadError !== null && (
              <div className="mt-3">
                <ErrorNote error={uploadError} title="The upload did not go through" />
              </div>
            )}
          </section>
        </div>
        <aside className="card h-fit" aria-labelledby="tips">
          <h2 id="tips" className="text-lg font-semibold">
            Filming tips
          </h2>
          <ul className="mt-3 list-disc space-y-2 pl-5 text-sm text-slate-700">
            {GENERAL_TIPS.map((t) => (
              <li key={t}>{t}</li>
            ))}
          </ul>
        </aside>
      </div>
    </div>
  );
}
