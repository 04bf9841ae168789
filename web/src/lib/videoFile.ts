/** Checks on a video before it is sent: type, size and duration, as the service enforces them. */

export const MAX_BYTES = 100 * 1024 * 1024;
export const MAX_SECONDS = 5 * 60;

const TYPES = new Set(["video/mp4", "video/quicktime", "video/x-msvideo", "video/avi", "video/msvideo", "video/webm"]);
const EXTENSIONS = /\.(mp4|m4v|mov|avi|webm)$/i;

export const ACCEPT = "video/mp4,video/quicktime,video/x-msvideo,video/webm,.mp4,.m4v,.mov,.avi,.webm";

/** A problem with the file, as a sentence, or null when it may be sent. */
export function checkFile(file: { name: string; type: string; size: number }): string | null {
  const typeOk = TYPES.has(file.type.split(";")[0].toLowerCase()) || EXTENSIONS.test(file.name);
  if (!typeOk) return `“${file.name}” is not a video Biome can read. Use an MP4, MOV, AVI or WebM file.`;
  if (file.size === 0) return `“${file.name}” is empty.`;
  if (file.size > MAX_BYTES) {
    return `“${file.name}” is ${(file.size / 1024 / 1024).toFixed(0)} MB; the limit is 100 MB. Trim it or record a shorter set.`;
  }
  return null;
}

/** A problem with the duration (seconds), or null. Unknown durations pass: the service checks. */
export function checkDuration(seconds: number | null): string | null {
  if (seconds === null || !Number.isFinite(seconds)) return null;
  if (seconds > MAX_SECONDS) {
    const m = Math.floor(seconds / 60);
    const s = Math.round(seconds % 60);
    return `The video is ${m} min ${s} s long; the limit is 5 minutes. Trim it to one set.`;
  }
  return null;
}

/** The duration from the browser's own reading of the file's metadata (null if unknown). */
export function readDuration(file: Blob, timeoutMs = 10_000): Promise<number | null> {
  return new Promise((resolve) => {
    const url = URL.createObjectURL(file);
    const video = document.createElement("video");
    video.preload = "metadata";
    video.muted = true;
    const done = (value: number | null) => {
      clearTimeout(timer);
      video.removeAttribute("src");
      video.load();
      URL.revokeObjectURL(url);
      resolve(value);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    video.onloadedmetadata = () => done(Number.isFinite(video.duration) ? video.duration : null);
    video.onerror = () => done(null);
    video.src = url;
  });
}
