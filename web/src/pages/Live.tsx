/** "Coach me live": the camera streams to /ws/live; the page shows the skeleton, the reps and the cue, and speaks it. */
import { useCallback, useEffect, useRef, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../api/client";
import { useAuth } from "../api/auth";
import { describeError } from "../api/errors";
import { getToken } from "../api/token";
import type { Exercise } from "../api/types";
import { Notice, PageHeader } from "../components/ui";
import { FramePacer, LIVE_CONNECTIONS, SentFrames, downscale, encodeHeader, type LiveMessage } from "../lib/live";
import { containBox, drawPose } from "../lib/overlay";
import { useTitle } from "../lib/useTitle";
import { useSpeech } from "./LiveSpeech";

type Stage = "idle" | "camera" | "connecting" | "live" | "stopping" | "saving";

/** Frames are sent at most this often even when answers come faster (the camera's ~30 fps). */
const MIN_GAP_MS = 30;

function pickMime(): string | undefined {
  if (typeof MediaRecorder === "undefined") return undefined;
  return ["video/webm;codecs=vp8", "video/webm", "video/mp4"].find((t) => MediaRecorder.isTypeSupported(t));
}

function socketUrl(token: string): string {
  const proto = location.protocol === "https:" ? "wss" : "ws";
  return `${proto}://${location.host}/ws/live?token=${encodeURIComponent(token)}`;
}

async function attachRecording(sessionId: string, blob: Blob): Promise<string | null> {
  const form = new FormData();
  form.append("video", blob, blob.type.includes("mp4") ? "live.mp4" : "live.webm");
  const token = getToken();
  const res = await fetch(`/v1/analysis/sessions/${sessionId}/recording`, {
    method: "POST",
    body: form,
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
  if (res.ok) return null;
  try {
    const body = await res.json();
    return body?.error?.message ?? `The recording was not saved (${res.status}).`;
  } catch {
    return `The recording was not saved (${res.status}).`;
  }
}

export function LivePage() {
  useTitle("Coach me live");
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const { user } = useAuth();
  const speech = useSpeech(user?.id);
  const exercises = useQuery({
    queryKey: ["exercises", "", null, false],
    queryFn: () => unwrap<{ exercises: Exercise[] }>(api.GET("/v1/exercises")),
  });
  const list = exercises.data?.exercises ?? [];
  const [exerciseId, setExerciseId] = useState(params.get("exercise") ?? "");
  const [stage, setStage] = useState<Stage>("idle");
  const [reps, setReps] = useState(0);
  const [cue, setCue] = useState<{ text: string; tone: "cue" | "praise"; issueType: string } | null>(null);
  const [setup, setSetup] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [angle, setAngle] = useState<number | null>(null);

  const video = useRef<HTMLVideoElement>(null);
  const overlay = useRef<HTMLCanvasElement>(null);
  const stream = useRef<MediaStream | null>(null);
  const socket = useRef<WebSocket | null>(null);
  const timer = useRef<number | null>(null);
  const recorder = useRef<MediaRecorder | null>(null);
  const chunks = useRef<Blob[]>([]);
  const speak = useRef(speech.speak);
  speak.current = speech.speak;

  const stopLoop = () => {
    if (timer.current !== null) window.clearInterval(timer.current);
    timer.current = null;
  };

  const release = useCallback(() => {
    stopLoop();
    if (recorder.current && recorder.current.state !== "inactive") recorder.current.stop();
    recorder.current = null;
    socket.current?.close();
    socket.current = null;
    stream.current?.getTracks().forEach((t) => t.stop());
    stream.current = null;
  }, []);
  useEffect(() => release, [release]);

  const turnOnCamera = async () => {
    setError(null);
    if (!navigator.mediaDevices?.getUserMedia) {
      setError("This browser cannot open the camera. Try a recent Chrome, Edge, Firefox or Safari.");
      return;
    }
    try {
      const s = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false });
      stream.current = s;
      if (video.current) {
        video.current.srcObject = s;
        await video.current.play().catch(() => undefined);
      }
      setStage("camera");
    } catch (err) {
      setError(
        err instanceof DOMException && err.name === "NotAllowedError"
          ? "The camera is blocked. Allow it in the browser's address bar, then try again."
          : "The camera could not be opened. Check that no other app is using it.",
      );
    }
  };

  /** Draws the answered frame's own image, then its skeleton: the two always match. */
  const paint = (image: HTMLCanvasElement | undefined, landmarks: number[] | null) => {
    const c = overlay.current;
    if (!c || !image) return;
    const w = c.clientWidth;
    const h = c.clientHeight;
    if (c.width !== w || c.height !== h) {
      c.width = w;
      c.height = h;
    }
    const ctx = c.getContext("2d");
    if (!ctx) return;
    const box = containBox(image.width, image.height, w, h);
    drawPose(ctx, landmarks, LIVE_CONNECTIONS, box, { width: w, height: h });
    ctx.globalCompositeOperation = "destination-over";
    ctx.drawImage(image, box.x, box.y, box.width, box.height);
    ctx.globalCompositeOperation = "source-over";
  };

  const start = () => {
    const token = getToken();
    const v = video.current;
    if (!token || !v || !stream.current || !exerciseId) return;
    setError(null);
    setReps(0);
    setCue(null);
    setSetup("Connecting to your coach…");
    setStage("connecting");
    const ws = new WebSocket(socketUrl(token));
    socket.current = ws;
    const pacer = new FramePacer(500);
    const sent = new SentFrames<HTMLCanvasElement>(8);
    let lastSent = 0;
    let lastSetupKind = "";
    let finished = false;

    // Only new camera images are sent: the same image twice would be a still frame at two
    // times to the analysis. Browsers without requestVideoFrameCallback fall back to pacing.
    const perFrame = "requestVideoFrameCallback" in v;
    let fresh = true;
    if (perFrame) {
      const onFrame = () => {
        fresh = true;
        if (ws.readyState <= WebSocket.OPEN) v.requestVideoFrameCallback(onFrame);
      };
      v.requestVideoFrameCallback(onFrame);
    }

    const sendFrame = () => {
      const now = performance.now();
      if (ws.readyState !== WebSocket.OPEN || !v.videoWidth || now - lastSent < MIN_GAP_MS) return;
      if (perFrame && !fresh) return;
      const seq = pacer.take(now);
      if (seq === null) return;
      lastSent = now;
      fresh = false;
      const size = downscale(v.videoWidth, v.videoHeight, 640);
      const snap = document.createElement("canvas");
      snap.width = size.width;
      snap.height = size.height;
      snap.getContext("2d")?.drawImage(v, 0, 0, size.width, size.height);
      sent.add(seq, snap);
      snap.toBlob(
        (jpeg) => {
          if (jpeg && ws.readyState === WebSocket.OPEN) ws.send(new Blob([encodeHeader(now, seq), jpeg]));
        },
        "image/jpeg",
        0.75,
      );
    };

    ws.onopen = () => ws.send(JSON.stringify({ type: "start", exerciseId }));
    ws.onmessage = (ev) => {
      if (typeof ev.data !== "string") return;
      const msg = JSON.parse(ev.data) as LiveMessage;
      switch (msg.type) {
        case "ready": {
          setStage("live");
          setSetup("Get into position: the whole body in view.");
          const mime = pickMime();
          if (mime && stream.current) {
            chunks.current = [];
            const rec = new MediaRecorder(stream.current, { mimeType: mime, videoBitsPerSecond: 2_500_000 });
            rec.ondataavailable = (e) => e.data.size && chunks.current.push(e.data);
            rec.start(1000);
            recorder.current = rec;
          }
          timer.current = window.setInterval(sendFrame, 10);
          break;
        }
        case "frame":
          pacer.answered(msg.seq);
          paint(sent.match(msg.seq), msg.landmarks);
          setReps(msg.repCount);
          setAngle(msg.angle);
          break;
        case "setup":
          setSetup(msg.message);
          if (msg.kind !== lastSetupKind) {
            lastSetupKind = msg.kind;
            speak.current(msg.message);
          }
          break;
        case "rep":
          setReps((r) => Math.max(r, msg.number));
          setSetup(null);
          break;
        case "cue":
        case "praise":
          setCue({ text: msg.text, tone: msg.type, issueType: msg.issueType });
          speak.current(msg.text);
          break;
        case "summary":
          finished = true;
          void finish(msg.sessionId);
          break;
        case "error":
          finished = true;
          setError(msg.data.message);
          stopLoop();
          setStage(stream.current ? "camera" : "idle");
          break;
      }
    };
    ws.onclose = (ev) => {
      if (finished) return;
      stopLoop();
      if (ev.code === 1013) setError("Every live coaching slot is in use. Try again in a minute.");
      else if (ev.code !== 1000) setError("The connection to the coach was lost; this set was not saved.");
      setStage(stream.current ? "camera" : "idle");
    };
  };

  const finish = async (sessionId: string) => {
    setStage("saving");
    const rec = recorder.current;
    recorder.current = null;
    if (rec && rec.state !== "inactive") {
      const stopped = new Promise<void>((resolve) => rec.addEventListener("stop", () => resolve(), { once: true }));
      rec.stop();
      await stopped;
    }
    if (chunks.current.length) {
      const blob = new Blob(chunks.current, { type: rec?.mimeType || "video/webm" });
      chunks.current = [];
      const problem = await attachRecording(sessionId, blob).catch(() => "The recording could not be sent.");
      // The set is saved either way; the results page simply has no video then.
      if (problem) console.warn(problem);
    }
    release();
    navigate(`/results/${sessionId}`);
  };

  const stop = () => {
    stopLoop();
    setStage("stopping");
    setSetup("Saving your set…");
    socket.current?.send(JSON.stringify({ type: "stop" }));
  };

  const live = stage === "live";
  const busy = stage === "connecting" || stage === "stopping" || stage === "saving";
  const name = list.find((e) => e.id === exerciseId)?.name;

  return (
    <div>
      <PageHeader
        title="Coach me live"
        subtitle="Do your set in front of the camera: Biome counts the reps and tells you one thing to fix after each."
      />
      <div className="grid gap-6 lg:grid-cols-[1fr_18rem]">
        <section aria-label="Camera" className="min-w-0">
          <div className="relative aspect-video w-full overflow-hidden rounded-2xl bg-slate-900">
            <video ref={video} aria-label="Your camera" muted playsInline className="absolute inset-0 size-full object-contain" />
            <canvas
              ref={overlay}
              aria-label="Pose overlay"
              className={`absolute inset-0 size-full ${live || stage === "stopping" ? "" : "hidden"}`}
            />
            {(live || stage === "stopping") && (
              // On a phone the panel is below the fold: the count and the cue also sit on the video.
              <div aria-hidden="true" className="pointer-events-none absolute inset-0 lg:hidden">
                <span className="absolute right-2 top-2 rounded-xl bg-slate-900/75 px-3 py-1 text-4xl font-bold tabular-nums text-white">
                  {reps}
                </span>
                {cue && (
                  <span className="absolute inset-x-2 bottom-2 rounded-xl bg-slate-900/75 px-3 py-2 text-center font-semibold text-white">
                    {cue.text}
                  </span>
                )}
              </div>
            )}
            {stage === "idle" && (
              <div className="absolute inset-0 flex items-center justify-center p-4 text-center text-slate-200">
                <p>Your camera preview appears here.</p>
              </div>
            )}
          </div>
          {(setup || cue) && (
            <div className="mt-3 space-y-2" aria-live="polite">
              {setup && (
                <p data-testid="live-setup" className="rounded-xl bg-amber-50 px-4 py-3 font-medium text-amber-900">
                  {setup}
                </p>
              )}
            </div>
          )}
        </section>

        <aside className="space-y-4">
          <div className="card p-4">
            <label htmlFor="live-exercise" className="mb-1 block font-semibold">
              Exercise
            </label>
            <select
              id="live-exercise"
              className="input"
              value={exerciseId}
              onChange={(e) => setExerciseId(e.target.value)}
              disabled={stage !== "idle" && stage !== "camera"}
            >
              <option value="">{exercises.isPending ? "Loading…" : "Choose an exercise"}</option>
              {list.map((e) => (
                <option key={e.id} value={e.id}>
                  {e.name}
                </option>
              ))}
            </select>
            {exercises.isError && <p className="mt-2 text-sm text-red-800">{describeError(exercises.error)}</p>}
          </div>

          <div className="card p-4 text-center">
            <p className="text-sm font-semibold uppercase tracking-wide text-slate-600">Reps</p>
            <p data-testid="live-rep-count" className="text-7xl font-bold tabular-nums text-slate-900">
              {reps}
            </p>
            {angle !== null && live && <p className="text-sm text-slate-600">Angle {Math.round(angle)}°</p>}
          </div>

          <div className="card min-h-24 p-4" aria-live="assertive">
            <p className="text-sm font-semibold uppercase tracking-wide text-slate-600">Coach says</p>
            <p
              data-testid="live-cue"
              data-issue-type={cue?.issueType ?? ""}
              className={`mt-1 text-lg font-semibold ${cue?.tone === "praise" ? "text-emerald-800" : "text-slate-900"}`}
            >
              {cue?.text ?? (live ? "Keep going: a cue comes after a rep with something to fix." : "—")}
            </p>
          </div>

          <div className="flex flex-wrap gap-2">
            {stage === "idle" && (
              <button type="button" className="btn-primary flex-1" onClick={turnOnCamera}>
                Turn on camera
              </button>
            )}
            {stage === "camera" && (
              <button type="button" className="btn-primary flex-1" onClick={start} disabled={!exerciseId}>
                Start set
              </button>
            )}
            {(live || busy) && (
              <button type="button" className="btn-primary flex-1" onClick={stop} disabled={!live}>
                {busy && stage !== "connecting" ? "Saving…" : "Stop set"}
              </button>
            )}
          </div>
          {stage === "camera" && !exerciseId && <p className="text-sm text-slate-600">Choose the exercise to start.</p>}
          {stage === "connecting" && <p className="text-sm text-slate-600">Starting the coach for {name ?? "your exercise"}… this takes a few seconds.</p>}

          <fieldset className="card space-y-3 p-4">
            <legend className="sr-only">Spoken cues</legend>
            <label className="flex items-center gap-2 font-medium">
              <input type="checkbox" checked={!speech.settings.muted} onChange={(e) => speech.update({ muted: !e.target.checked })} />
              Speak the cues
            </label>
            {speech.voices.length > 0 && (
              <div>
                <label htmlFor="live-voice" className="mb-1 block text-sm font-medium">
                  Voice
                </label>
                <select
                  id="live-voice"
                  className="input"
                  value={speech.settings.voice ?? ""}
                  onChange={(e) => speech.update({ voice: e.target.value || null })}
                >
                  <option value="">Browser default</option>
                  {speech.voices.map((v) => (
                    <option key={v.voiceURI} value={v.voiceURI}>
                      {v.name} ({v.lang})
                    </option>
                  ))}
                </select>
              </div>
            )}
            {!speech.supported && <p className="text-sm text-slate-600">This browser cannot speak; the cues are shown here.</p>}
          </fieldset>

          {error && <Notice tone="warn">{error}</Notice>}
          <p className="text-sm text-slate-600">
            Set the camera so your whole body is in view, side-on for squats and lunges. Prefer a video?{" "}
            <Link to={exerciseId ? `/analyze?exercise=${exerciseId}` : "/analyze"} className="font-semibold text-brand-700 underline">
              Upload one
            </Link>
            .
          </p>
        </aside>
      </div>
    </div>
  );
}
