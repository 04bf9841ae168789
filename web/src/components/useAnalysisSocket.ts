/** Live events of one analysis over /ws/analysis/{id}, reconnecting after drops (lib/reconnect). */
import { useEffect, useReducer, useRef, useState } from "react";
import { socketUrl } from "../api/client";
import type { AgentStatus, AnalysisEvent, ProgressEvent } from "../api/types";
import { DEFAULT_POLICY, initialState, next, type ReconnectEvent, type ReconnectState } from "../lib/reconnect";

export interface LiveAnalysis {
  connection: ReconnectState;
  progress: ProgressEvent | null;
  agents: AgentStatus | null;
  complete: { overallScore: number | null } | null;
  error: { code: string; message: string } | null;
  retryNow: () => void;
}

/** Closes a socket without letting its handlers report anything more. */
function drop(ws: WebSocket | null): void {
  if (!ws) return;
  ws.onopen = ws.onmessage = ws.onclose = null;
  ws.close();
}

export function useAnalysisSocket(sessionId: string): LiveAnalysis {
  const [connection, dispatch] = useReducer((s: ReconnectState, e: ReconnectEvent) => next(s, e, DEFAULT_POLICY), initialState);
  const [progress, setProgress] = useState<ProgressEvent | null>(null);
  const [agents, setAgents] = useState<AgentStatus | null>(null);
  const [complete, setComplete] = useState<LiveAnalysis["complete"]>(null);
  const [error, setError] = useState<LiveAnalysis["error"]>(null);
  const socket = useRef<WebSocket | null>(null);

  // Open a socket whenever the machine says "connecting". The socket is not closed when the
  // phase moves on (to "open"): only a new attempt, or leaving the page, replaces it.
  useEffect(() => {
    if (connection.phase !== "connecting") return;
    drop(socket.current);
    const ws = new WebSocket(socketUrl(`/ws/analysis/${encodeURIComponent(sessionId)}`));
    socket.current = ws;
    let terminal = false;
    ws.onopen = () => dispatch({ type: "open" });
    ws.onmessage = (msg) => {
      let event: AnalysisEvent;
      try {
        event = JSON.parse(msg.data);
      } catch {
        return;
      }
      switch (event.type) {
        case "progress":
          setProgress(event.data);
          break;
        case "agent_status":
          setAgents(event.data);
          break;
        case "analysis_complete":
          terminal = true;
          setComplete({ overallScore: event.data.overallScore ?? null });
          dispatch({ type: "terminal" });
          break;
        case "error":
          terminal = true;
          setError({ code: event.data.code, message: event.data.error });
          dispatch({ type: "terminal" });
          break;
      }
    };
    ws.onclose = (e) => {
      if (!terminal) dispatch({ type: "close", code: e.code });
    };
  }, [connection.phase, connection.attempt, sessionId]);

  useEffect(() => () => drop(socket.current), [sessionId]);

  // Wait out the backoff, or retry as soon as the browser is back online.
  useEffect(() => {
    if (connection.phase !== "waiting") return;
    const t = setTimeout(() => dispatch({ type: "retry" }), connection.delayMs);
    const online = () => dispatch({ type: "online" });
    window.addEventListener("online", online);
    return () => {
      clearTimeout(t);
      window.removeEventListener("online", online);
    };
  }, [connection]);

  return { connection, progress, agents, complete, error, retryNow: () => dispatch({ type: "online" }) };
}
