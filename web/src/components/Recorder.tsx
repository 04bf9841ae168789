/** Record a set with the webcam: preview, 3-2-1 countdown, stop, retake; yields a WebM. */
import { useEffect, useRef, useState } from "react";
import { MAX_SECONDS } from "../lib/videoFile";
import { clock } from "../lib/frames";

type Phase = "idle" | "starting" | "preview" | "countdown" | "recording" | "recorded" | "error";

export interface Recording {
  blob: Blob;
  seconds: number;
  url: string;
}

function pickMime(): string | undefined {
  if (typeof MediaRecorder === "undefined") return undefined;
  return ["video/webm;codecs=vp9", "video/webm;codecs=vp8", "video/webm", "video/mp4"].find((t) => MediaRecorder.isTypeSupported(t));
}

export function Recorder({ onRecorded }: { onRecorded: (rec: Recording | null) => void }) {
  const [phase, setPhase] = useState<Phase>("idle");
  const [error, setError] = useState<string | null>(null);
  const [count, setCount] = useState(3);
  const [elapsed, setElapsed] = useState(0);
  const [recording, setRecording] = useState<Recording | null>(null);
  const live = useRef<HTMLVideoElement>(null);
  const stream = useRef<MediaStream | null>(null);
  const recorder = useRef<MediaRecorder | null>(null);
  const started = useRef(0);

  const stopCamera = () => {
    stream.current?.getTracks().forEach((t) => t.stop());
    stream.current = null;
  };
  useEffect(() => () => stopCamera(), []);
  useEffect(() => () => (recording ? URL.revokeObjectURL(recording.url) : undefined), [recording]);

  const startCamera = async () => {
    setError(null);
    if (!navigator.mediaDevices?.getUserMedia || !pickMime()) {
      setPhase("error");
      setError("This browser cannot record video. Upload a file instead.");
      return;
    }
    setPhase("starting");
    try {
      stream.current = await navigator.mediaDevices.getUserMedia({
        video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } },
        audio: false,
      });
      setPhase("preview");
    } catch (err) {
      setPhase("error");
      const name = err instanceof DOMException ? err.name : "";
      setError(
        name === "NotAllowedError"
          ? "Biome was not allowed to use the camera. Allow camera access in the browser's address bar, then try again."
          : name === "NotFoundError"
            ? "No camera was found. Connect one, or upload a file instead."
            : "The camera could not be started. Close other apps using it and try again.",
      );
    }
  };

  // Attach the stream once the preview element is on the page.
  useEffect(() => {
    if ((phase === "preview" || phase === "countdown" || phase === "recording") && live.current && stream.current) {
      if (live.current.srcObject !== stream.current) live.current.srcObject = stream.current;
    }
  }, [phase]);

  const beginRecording = () => {
    const s = stream.current;
    if (!s) return;
    const chunks: Blob[] = [];
    const mime = pickMime();
    const rec = new MediaRecorder(s, mime ? { mimeType: mime, videoBitsPerSecond: 4_000_000 } : undefined);
    rec.ondataavailable = (e) => e.data.size && chunks.push(e.data);
    rec.onstop = () => {
      const seconds = (performance.now() - started.current) / 1000;
      const blob = new Blob(chunks, { type: rec.mimeType || "video/webm" });
      const result = { blob, seconds, url: URL.createObjectURL(blob) };
      stopCamera();
      setRecording(result);
      setPhase("recorded");
      onRecorded(result);
    };
    recorder.current = rec;
    started.current = performance.now();
    setElapsed(0);
    rec.start(1000);
    setPhase("recording");
  };

  // 3-2-1 countdown, then record.
  useEffect(() => {
    if (phase !== "countdown") return;
    if (count === 0) {
      beginRecording();
      return;
    }
    const t = setTimeout(() => setCount((c) => c - 1), 1000);
    return () => clearTimeout(t);
  }, [phase, count]);

  // Recording clock; stops at the 5-minute cap.
  useEffect(() => {
    if (phase !== "recording") return;
    const t = setInterval(() => {
      const s = (performance.now() - started.current) / 1000;
      setElapsed(s);
      if (s >= MAX_SECONDS - 1) recorder.current?.state === "recording" && recorder.current.stop();
    }, 250);
    return () => clearInterval(t);
  }, [phase]);

  const retake = () => {
    setRecording(null);
    onRecorded(null);
    startCamera();
  };

  return (
    <div className="space-y-4">
      <div className="relative overflow-hidden rounded-2xl bg-slate-900">
        {phase === "recorded" && recording ? (
          <video src={recording.url} controls playsInline aria-label="Your recording" className="aspect-video w-full bg-black" />
        ) : phase === "preview" || phase === "countdown" || phase === "recording" ? (
          <video ref={live} autoPlay muted playsInline aria-label="Camera preview" className="aspect-video w-full -scale-x-100 bg-black object-contain" />
        ) : (
          <div className="flex aspect-video w-full items-center justify-center p-6 text-center text-slate-200">
            {phase === "starting" ? "Starting the camera…" : "Your camera preview appears here."}
          </div>
        )}
        {phase === "countdown" && (
          <div className="absolute inset-0 flex items-center justify-center bg-slate-900/40" aria-live="assertive">
            <span className="text-8xl font-bold text-white drop-shadow">{count}</span>
          </div>
        )}
        {phase === "recording" && (
          <div className="absolute top-3 left-3 flex items-center gap-2 rounded-full bg-red-700 px-3 py-1 text-sm font-semibold text-white">
            <span className="size-2.5 animate-pulse rounded-full bg-white" aria-hidden="true" />
            <span role="timer" aria-label="Recording time">
              REC {clock(elapsed)} / {clock(MAX_SECONDS)}
            </span>
          </div>
        )}
      </div>
      {error && (
        <p role="alert" className="rounded-xl border border-red-200 bg-red-50 p-3 text-red-900">
          {error}
        </p>
      )}
      <div className="flex flex-wrap gap-3">
        {(phase === "idle" || phase === "error") && (
          <button type="button" className="btn-primary" onClick={startCamera}>
            Turn on camera
          </button>
        )}
        {phase === "preview" && (
          <button
            type="button"
            className="btn-primary"
            onClick={() => {
              setCount(3);
              setPhase("countdown");
            }}
          >
            Start recording
          </button>
        )}
        {phase === "recording" && (
          <button type="button" className="btn-danger" onClick={() => recorder.current?.stop()}>
            Stop recording
          </button>
        )}
        {phase === "recorded" && (
          <button type="button" className="btn-secondary" onClick={retake}>
            Retake
          </button>
        )}
      </div>
      {phase === "preview" && <p className="text-sm text-slate-600">Step back until your whole body is in the picture, then start. You get 3 seconds to get ready.</p>}
    </div>
  );
}
