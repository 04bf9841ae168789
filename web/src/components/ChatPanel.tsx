/** Ask the coach about this result; answers stream over /ws/analysis/{id}/chat. */
import { useEffect, useRef, useState, type FormEvent } from "react";
import { useQuery } from "@tanstack/react-query";
import { api, socketUrl, unwrap } from "../api/client";
import type { ChatHistory, ChatMessage } from "../api/types";
import { lookedAt } from "../lib/chatTools";

interface Pending {
  question: string;
  tools: { name: string; args: Record<string, unknown>; done: boolean }[];
  /** The answer so far, from `delta` events; the final `chat_reply` replaces it. */
  draft: string;
}

const SUGGESTIONS = ["Why did I get this score?", "Which rep was my worst?", "How do I fix my biggest fault?"];

function ToolList({ tools }: { tools: { name: string; args?: Record<string, unknown> }[] }) {
  if (!tools.length) return null;
  return (
    <p className="mt-2 text-xs text-slate-600">
      <span className="font-medium">Looked at: </span>
      {tools.map((t) => lookedAt(t.name, t.args)).join(" · ")}
    </p>
  );
}

function Bubble({ message }: { message: ChatMessage }) {
  const mine = message.role === "user";
  return (
    <li className={`flex ${mine ? "justify-end" : "justify-start"}`}>
      <div className={`max-w-[85%] rounded-2xl px-4 py-2.5 ${mine ? "bg-brand-700 text-white" : "bg-slate-100 text-slate-900"}`}>
        <p className="sr-only">{mine ? "You said:" : "Coach said:"}</p>
        <p className="whitespace-pre-wrap break-words">{message.text}</p>
        {!mine && <ToolList tools={(message.tools ?? []) as { name: string; args?: Record<string, unknown> }[]} />}
        {!mine && message.notice && <p className="mt-1 text-xs text-slate-600">{message.notice}</p>}
      </div>
    </li>
  );
}

export function ChatPanel({ sessionId }: { sessionId: string }) {
  const history = useQuery({
    queryKey: ["chat", sessionId],
    queryFn: () => unwrap<ChatHistory>(api.GET("/v1/analysis/sessions/{session_id}/chat", { params: { path: { session_id: sessionId } } })),
  });
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [pending, setPendingState] = useState<Pending | null>(null);
  // The socket's handlers read the latest pending turn from here (state updaters must stay pure).
  const pendingRef = useRef<Pending | null>(null);
  const setPending = (p: Pending | null | ((old: Pending | null) => Pending | null)) => {
    pendingRef.current = typeof p === "function" ? p(pendingRef.current) : p;
    setPendingState(pendingRef.current);
  };
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const ws = useRef<WebSocket | null>(null);
  const list = useRef<HTMLUListElement>(null);

  useEffect(() => {
    if (history.data) setMessages(history.data.messages);
  }, [history.data]);
  useEffect(() => () => ws.current?.close(), []);
  useEffect(() => {
    list.current?.lastElementChild?.scrollIntoView({ block: "nearest" });
  }, [messages, pending]);

  const socket = (): Promise<WebSocket> =>
    new Promise((resolve, reject) => {
      if (ws.current && ws.current.readyState === WebSocket.OPEN) return resolve(ws.current);
      const s = new WebSocket(socketUrl(`/ws/analysis/${encodeURIComponent(sessionId)}/chat`));
      s.onopen = () => resolve(s);
      s.onerror = () => reject(new Error("The coach could not be reached. Check your connection and try again."));
      s.onclose = () => {
        if (ws.current === s) ws.current = null;
        if (pendingRef.current) setError("The connection to the coach dropped before the answer came. Ask again.");
        setPending(null);
      };
      s.onmessage = (m) => {
        let event: { type: string; data: any; text?: string };
        try {
          event = JSON.parse(m.data);
        } catch {
          return;
        }
        if (event.type === "delta") {
          setPending((p) => p && { ...p, draft: p.draft + (event.text ?? "") });
        } else if (event.type === "chat_tool") {
          setPending((p) => p && { ...p, tools: [...p.tools, { name: event.data.name, args: event.data.args ?? {}, done: false }] });
        } else if (event.type === "chat_tool_result") {
          setPending((p) => p && { ...p, tools: p.tools.map((t) => (t.name === event.data.name && !t.done ? { ...t, done: true } : t)) });
        } else if (event.type === "chat_reply") {
          const p = pendingRef.current;
          const question: ChatMessage = { id: `q-${Date.now()}`, role: "user", text: p?.question ?? "", createdAt: new Date().toISOString() };
          setMessages((ms) => [...ms, ...(p ? [question] : []), event.data as ChatMessage]);
          setPending(null);
        } else if (event.type === "error") {
          setPending(null);
          setError(`${event.data.error}.`);
        }
      };
      ws.current = s;
    });

  const ask = async (question: string) => {
    const q = question.trim();
    if (!q || pending) return;
    setError(null);
    setText("");
    setPending({ question: q, tools: [], draft: "" });
    try {
      (await socket()).send(JSON.stringify({ message: q }));
    } catch (err) {
      setPending(null);
      setError((err as Error).message);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    ask(text);
  };

  return (
    <section className="card no-print flex flex-col" aria-labelledby="chat-title">
      <h2 id="chat-title" className="text-lg font-semibold">
        Ask the coach
      </h2>
      <p className="text-sm text-slate-600">Answers come from your own data for this set.</p>
      <ul ref={list} className="mt-4 max-h-[28rem] min-h-24 space-y-3 overflow-y-auto" aria-live="polite" aria-label="Conversation">
        {messages.map((m) => (
          <Bubble key={m.id} message={m} />
        ))}
        {pending && (
          <>
            <li className="flex justify-end">
              <div className="max-w-[85%] rounded-2xl bg-brand-700 px-4 py-2.5 text-white">
                <p className="whitespace-pre-wrap break-words">{pending.question}</p>
              </div>
            </li>
            <li className="flex justify-start">
              <div className="max-w-[85%] rounded-2xl bg-slate-100 px-4 py-2.5 text-slate-700" role="status">
                {pending.draft ? <p className="whitespace-pre-wrap break-words text-slate-900">{pending.draft}</p> : <p className="animate-pulse">Coach is thinking…</p>}
                <ToolList tools={pending.tools} />
              </div>
            </li>
          </>
        )}
      </ul>
      {messages.length === 0 && !pending && (
        <div className="mt-2 flex flex-wrap gap-2">
          {SUGGESTIONS.map((s) => (
            <button key={s} type="button" className="chip border border-slate-300 bg-white px-3 py-1.5 text-sm text-slate-800 hover:bg-slate-100" onClick={() => ask(s)}>
              {s}
            </button>
          ))}
        </div>
      )}
      {error && (
        <p role="alert" className="mt-3 rounded-lg bg-red-50 p-2 text-sm text-red-900">
          {error}
        </p>
      )}
      <form onSubmit={submit} className="mt-4 flex gap-2">
        <label htmlFor="chat-input" className="sr-only">
          Your question
        </label>
        <input id="chat-input" className="input" placeholder="Ask about your reps, score or a fault" value={text} onChange={(e) => setText(e.target.value)} maxLength={2000} />
        <button type="submit" className="btn-primary shrink-0" disabled={!text.trim() || !!pending}>
          Send
        </button>
      </form>
    </section>
  );
}
