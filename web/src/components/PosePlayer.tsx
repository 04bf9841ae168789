/**
 * The video with the skeleton drawn over it in step with playback. The frame on screen comes
 * from requestVideoFrameCallback's mediaTime where the browser has it, else from currentTime on
 * every animation frame while playing (and on seek).
 */
import { forwardRef, useEffect, useImperativeHandle, useRef, useState } from "react";
import { containBox, drawPose, type PoseTrack } from "../lib/overlay";
import { frameToTime, timeToFrame } from "../lib/frames";

export interface PosePlayerHandle {
  seekToFrame: (frame: number) => void;
}

type FrameCallbackVideo = HTMLVideoElement & {
  requestVideoFrameCallback?: (cb: (now: number, meta: { mediaTime: number }) => void) => number;
  cancelVideoFrameCallback?: (id: number) => void;
};

export const PosePlayer = forwardRef<
  PosePlayerHandle,
  {
    src: string;
    pose: PoseTrack | undefined;
    poseState: "loading" | "ready" | "missing";
    fps: number;
    frameCount: number;
    onFrame: (frame: number) => void;
  }
>(function PosePlayer({ src, pose, poseState, fps, frameCount, onFrame }, ref) {
  const video = useRef<FrameCallbackVideo>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [showSkeleton, setShowSkeleton] = useState(true);
  const [noPerson, setNoPerson] = useState(false);
  const onFrameRef = useRef(onFrame);
  onFrameRef.current = onFrame;

  useImperativeHandle(ref, () => ({
    seekToFrame(frame: number) {
      const v = video.current;
      if (!v) return;
      v.pause();
      v.currentTime = frameToTime(frame, fps);
      v.focus();
    },
  }));

  useEffect(() => {
    const v = video.current;
    const c = canvas.current;
    if (!v || !c) return;
    const ctx = c.getContext("2d");
    let last = -1;
    let lastSize = "";

    const draw = (mediaTime: number, force = false) => {
      const frame = timeToFrame(mediaTime, pose?.fps || fps, pose?.frameCount || frameCount);
      // Keep the canvas's pixels matched to its displayed size (sharp lines, no stretching).
      const rect = c.getBoundingClientRect();
      const dpr = window.devicePixelRatio || 1;
      const size = `${Math.round(rect.width * dpr)}x${Math.round(rect.height * dpr)}`;
      if (size !== lastSize) {
        c.width = Math.round(rect.width * dpr);
        c.height = Math.round(rect.height * dpr);
        lastSize = size;
        force = true;
      }
      if (frame === last && !force) return;
      last = frame;
      onFrameRef.current(frame);
      if (!ctx) return;
      if (!pose || !showSkeleton) {
        ctx.clearRect(0, 0, c.width, c.height);
        setNoPerson(false);
        return;
      }
      const box = containBox(v.videoWidth || pose.width, v.videoHeight || pose.height, c.width, c.height);
      const bones = drawPose(ctx, pose.frames[frame], pose.connections, box, c);
      setNoPerson(bones === 0);
    };

    let handle = 0;
    let raf = 0;
    const useRvfc = typeof v.requestVideoFrameCallback === "function";
    const onVideoFrame = (_now: number, meta: { mediaTime: number }) => {
      draw(meta.mediaTime);
      handle = v.requestVideoFrameCallback!(onVideoFrame);
    };
    const loop = () => {
      draw(v.currentTime);
      if (!v.paused && !v.ended) raf = requestAnimationFrame(loop);
    };
    if (useRvfc) handle = v.requestVideoFrameCallback!(onVideoFrame);
    const onPlay = () => {
      if (!useRvfc) raf = requestAnimationFrame(loop);
    };
    // rVFC does not fire for every seek on a paused video in every browser: draw on seek too.
    const onSeeked = () => draw(v.currentTime, true);
    const onResize = () => draw(v.currentTime, true);
    v.addEventListener("play", onPlay);
    v.addEventListener("seeked", onSeeked);
    v.addEventListener("loadeddata", onSeeked);
    window.addEventListener("resize", onResize);
    const observer = typeof ResizeObserver !== "undefined" ? new ResizeObserver(onResize) : null;
    observer?.observe(c);
    draw(v.currentTime, true);
    return () => {
      if (useRvfc && handle) v.cancelVideoFrameCallback?.(handle);
      cancelAnimationFrame(raf);
      v.removeEventListener("play", onPlay);
      v.removeEventListener("seeked", onSeeked);
      v.removeEventListener("loadeddata", onSeeked);
      window.removeEventListener("resize", onResize);
      observer?.disconnect();
    };
  }, [pose, showSkeleton, fps, frameCount]);

  return (
    <div>
      <div className="relative overflow-hidden rounded-2xl bg-black">
        <video ref={video} src={src} controls playsInline preload="auto" aria-label="Your video" className="block aspect-video w-full bg-black object-contain" />
        <canvas ref={canvas} aria-label="Pose overlay" role="img" className="pose-overlay pointer-events-none absolute inset-0 h-full w-full" />
      </div>
      <div className="no-print mt-2 flex flex-wrap items-center justify-between gap-2 text-sm">
        <label className="inline-flex items-center gap-2">
          <input type="checkbox" className="size-4 accent-brand-700" checked={showSkeleton} onChange={(e) => setShowSkeleton(e.target.checked)} disabled={poseState !== "ready"} />
          Show skeleton
        </label>
        <span className="text-slate-600" aria-live="polite">
          {poseState === "loading" ? "Loading the skeleton…" : poseState === "missing" ? "The skeleton is not available for this video." : noPerson && showSkeleton ? "No person found in this frame." : ""}
        </span>
      </div>
    </div>
  );
});
