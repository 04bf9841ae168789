/** The upload request, over XMLHttpRequest: fetch cannot report upload progress. */
import { ApiError, toApiError } from "../api/errors";
import { getToken } from "../api/token";

export interface Uploaded {
  sessionId: string;
  status: string;
  estimatedProcessingTime?: number;
}

export interface UploadHandle {
  promise: Promise<Uploaded>;
  cancel: () => void;
}

export function uploadVideo(
  file: Blob,
  filename: string,
  /** null: let the service recognise the exercise from the movement. */
  exercise: { name: string; id?: string } | null,
  onProgress: (fraction: number) => void,
): UploadHandle {
  const xhr = new XMLHttpRequest();
  const promise = new Promise<Uploaded>((resolve, reject) => {
    const form = new FormData();
    form.append("video", file, filename);
    if (exercise) {
      form.append("exerciseName", exercise.name);
      if (exercise.id) form.append("exerciseId", exercise.id);
    }
    xhr.open("POST", "/v1/analysis/upload");
    const token = getToken();
    if (token) xhr.setRequestHeader("Authorization", `Bearer ${token}`);
    xhr.responseType = "json";
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      const body = xhr.response;
      if (xhr.status >= 200 && xhr.status < 300 && body?.success) resolve(body.data as Uploaded);
      else reject(toApiError(body, xhr.status));
    };
    xhr.onerror = () => reject(new ApiError("NETWORK_ERROR", "", 0));
    xhr.onabort = () => reject(new DOMException("Upload cancelled", "AbortError"));
    xhr.send(form);
  });
  return { promise, cancel: () => xhr.abort() };
}
