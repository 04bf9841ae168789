/** Spoken cues through the browser's speechSynthesis, with the mute and voice choice kept per user. */
import { useCallback, useEffect, useRef, useState } from "react";
import { loadSpeech, saveSpeech, type SpeechSettings } from "../lib/live";

const storage = (): Storage | undefined => {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
};

export function useSpeech(userId: string | undefined) {
  const supported = typeof window !== "undefined" && "speechSynthesis" in window;
  const [settings, setSettings] = useState<SpeechSettings>(() => loadSpeech(storage(), userId));
  const [voices, setVoices] = useState<SpeechSynthesisVoice[]>([]);
  const current = useRef(settings);
  current.current = settings;

  useEffect(() => setSettings(loadSpeech(storage(), userId)), [userId]);
  useEffect(() => {
    if (!supported) return;
    const read = () => setVoices(window.speechSynthesis.getVoices());
    read();
    window.speechSynthesis.addEventListener?.("voiceschanged", read);
    return () => window.speechSynthesis.removeEventListener?.("voiceschanged", read);
  }, [supported]);

  const update = (patch: Partial<SpeechSettings>) => {
    const next = { ...current.current, ...patch };
    setSettings(next);
    saveSpeech(storage(), userId, next);
    if (next.muted && supported) window.speechSynthesis.cancel();
  };

  const speak = useCallback(
    (text: string) => {
      if (!supported || current.current.muted || !text) return;
      const u = new SpeechSynthesisUtterance(text);
      const voice = window.speechSynthesis.getVoices().find((v) => v.voiceURI === current.current.voice);
      if (voice) {
        u.voice = voice;
        u.lang = voice.lang;
      }
      // A new cue replaces one still being said: the older one is about a rep already gone.
      window.speechSynthesis.cancel();
      window.speechSynthesis.speak(u);
    },
    [supported],
  );

  return { supported, settings, voices, update, speak };
}
