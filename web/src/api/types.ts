/** Shapes used by the pages, taken from the generated schema (one definition: openapi.json). */
import type { components, paths } from "./schema";

type Data<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  responses: { 200: { content: { "application/json": { data: infer D } } } };
}
  ? D
  : never;

export type Exercise = components["schemas"]["Exercise"];
export type Profile = components["schemas"]["Profile"];
export type SessionStatus = Data<"/v1/analysis/sessions/{session_id}", "get">;
export type SessionList = Data<"/v1/analysis/sessions", "get">;
export type SessionItem = SessionList["sessions"][number];
export type Results = Data<"/v1/analysis/sessions/{session_id}/results", "get">;
export type ResultSession = Results["session"];
export type Result = Results["result"];
export type Issue = Results["issues"][number];
export type Metric = Results["metrics"][number];
export type Keyframe = Results["keyframes"][number];
export type Series = Data<"/v1/analysis/sessions/{session_id}/series", "get"> & {
  label?: string;
  /** Threshold lines for the plot, when the service gives them. */
  thresholds?: { label: string; value: number }[];
};
export type ProgressSummary = Data<"/v1/progress/summary", "get">;
export type ProgressExercises = Data<"/v1/progress/exercises", "get">;
export type AdminUsers = Data<"/v1/admin/users", "get">;
export type AdminStats = Data<"/v1/admin/stats", "get">;
export type ChatHistory = Data<"/v1/analysis/sessions/{session_id}/chat", "get">;
export type ChatMessage = ChatHistory["messages"][number];

/** One rep of `result.reps` (the schema only says "object"). */
export interface Rep {
  index: number;
  startFrame: number;
  endFrame: number;
  bottomFrame?: number;
  startTime?: number;
  endTime?: number;
  durationS?: number;
  [key: string]: unknown;
}

export interface Check {
  name: string;
  status: string;
  reason: string | null;
}

export type Timeline = Data<"/v1/progress/timeline", "get">;
export type Pose = Data<"/v1/analysis/sessions/{session_id}/pose", "get">;

/** Live events of /ws/analysis/{id} (agents/status.py, api/routes/ws.py). */
export type AgentState = "waiting" | "processing" | "complete" | "failed";
export interface AgentStatus {
  visionAgent: AgentState;
  coachingAgent: AgentState;
  tasks: { name: string; status: "pending" | "running" | "complete" | "failed" }[];
}
export interface ProgressEvent {
  progress: number;
  currentStep: string;
  estimatedTimeRemaining: number | null;
}
export type AnalysisEvent =
  | { type: "progress"; data: ProgressEvent }
  | { type: "agent_status"; data: AgentStatus }
  | { type: "analysis_complete"; data: { sessionId: string; resultId: string; overallScore: number | null } }
  | { type: "error"; data: { sessionId?: string; error: string; code: string } };
