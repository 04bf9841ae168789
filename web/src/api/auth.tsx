/** Who is signed in: the token plus the profile it belongs to. */
import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "./client";
import { getToken, onTokenChange, setToken } from "./token";
import type { Profile } from "./types";

interface Auth {
  token: string | null;
  user: Profile | undefined;
  loading: boolean;
  signIn: (token: string) => void;
  signOut: () => Promise<void>;
}

const AuthContext = createContext<Auth | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [token, setTokenState] = useState<string | null>(getToken);
  const client = useQueryClient();
  useEffect(() => onTokenChange(setTokenState), []);
  useEffect(() => {
    // Another tab signed in or out.
    const onStorage = (e: StorageEvent) => e.key === "biome.token" && setTokenState(e.newValue);
    window.addEventListener("storage", onStorage);
    return () => window.removeEventListener("storage", onStorage);
  }, []);
  const profile = useQuery({
    queryKey: ["profile", token],
    queryFn: () => unwrap<Profile>(api.GET("/v1/user/profile")),
    enabled: !!token,
    staleTime: 60_000,
  });
  const value: Auth = {
    token,
    user: token ? profile.data : undefined,
    loading: !!token && profile.isPending,
    signIn: (t) => {
      client.clear();
      setToken(t);
    },
    signOut: async () => {
      try {
        await api.POST("/v1/auth/logout");
      } finally {
        setToken(null);
        client.clear();
      }
    },
  };
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error("useAuth outside AuthProvider");
  return auth;
}
