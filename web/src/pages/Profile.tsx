/** Profile: names, fitness level, goals and picture; export my data; delete my account. */
import { useEffect, useState, type FormEvent } from "react";
import { useNavigate } from "react-router";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../api/client";
import { useAuth } from "../api/auth";
import { ApiError, toApiError } from "../api/errors";
import { getToken, setToken } from "../api/token";
import type { Profile } from "../api/types";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { ErrorNote, Notice, PageHeader, Spinner, formatDate } from "../components/ui";
import { useTitle } from "../lib/useTitle";

const IMAGE_TYPES = ["image/jpeg", "image/png", "image/webp"];
const MAX_IMAGE = 5 * 1024 * 1024;
const MAX_GOALS = 500;
type FitnessLevel = "beginner" | "intermediate" | "advanced";
const LEVELS: { value: FitnessLevel; label: string }[] = [
  { value: "beginner", label: "Beginner" },
  { value: "intermediate", label: "Intermediate" },
  { value: "advanced", label: "Advanced" },
];

async function putMultipart(form: FormData): Promise<{ user: Profile }> {
  let res: Response;
  try {
    res = await fetch("/v1/user/profile", { method: "PUT", body: form, headers: { Authorization: `Bearer ${getToken() ?? ""}` } });
  } catch {
    throw new ApiError("NETWORK_ERROR", "", 0);
  }
  const body = await res.json().catch(() => null);
  if (!res.ok || !body?.success) throw toApiError(body, res.status);
  return body.data;
}

function Avatar({ user }: { user: Profile }) {
  const initials = ((user.firstName?.[0] ?? "") + (user.lastName?.[0] ?? "") || user.username[0] || "?").toUpperCase();
  return user.profileImageUrl ? (
    <img src={user.profileImageUrl} alt="Your profile picture" className="size-20 shrink-0 rounded-full object-cover ring-2 ring-white" />
  ) : (
    <span className="flex size-20 shrink-0 items-center justify-center rounded-full bg-brand-700 text-2xl font-bold text-white" aria-hidden="true">
      {initials}
    </span>
  );
}

export function ProfilePage() {
  useTitle("Profile");
  const { user, loading } = useAuth();
  const client = useQueryClient();
  const navigate = useNavigate();
  const [firstName, setFirstName] = useState("");
  const [lastName, setLastName] = useState("");
  const [fitnessLevel, setFitnessLevel] = useState<FitnessLevel | "">("");
  const [goals, setGoals] = useState("");
  const [image, setImage] = useState<File | null>(null);
  const [imageProblem, setImageProblem] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  useEffect(() => {
    if (user) {
      setFirstName(user.firstName ?? "");
      setLastName(user.lastName ?? "");
      setFitnessLevel(user.fitnessLevel ?? "");
      setGoals(user.goals ?? "");
    }
  }, [user]);

  const save = useMutation({
    mutationFn: async () => {
      if (image) {
        const form = new FormData();
        form.append("firstName", firstName);
        form.append("lastName", lastName);
        form.append("fitnessLevel", fitnessLevel);
        form.append("goals", goals);
        form.append("profileImage", image);
        return putMultipart(form);
      }
      return unwrap<{ user: Profile }>(
        api.PUT("/v1/user/profile", {
          body: {
            firstName: firstName.trim() || null,
            lastName: lastName.trim() || null,
            fitnessLevel: fitnessLevel || null,
            goals: goals.trim() || null,
          },
        }),
      );
    },
    onSuccess: () => {
      setImage(null);
      client.invalidateQueries({ queryKey: ["profile"] });
    },
  });
  const exportData = useMutation({
    mutationFn: async () => {
      const res = await fetch("/v1/user/export", { headers: { Authorization: `Bearer ${getToken() ?? ""}` } });
      if (!res.ok) throw toApiError(await res.json().catch(() => null), res.status);
      const blob = await res.blob();
      const url = URL.createObjectURL(blob);
      const a = document.createElement("a");
      a.href = url;
      a.download = `biome-export-${new Date().toISOString().slice(0, 10)}.json`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    },
  });
  const erase = useMutation({
    mutationFn: () => unwrap(api.DELETE("/v1/user")),
    onSuccess: () => {
      setToken(null);
      client.clear();
      navigate("/", { replace: true });
    },
  });

  if (loading || !user) return <Spinner label="Loading your profile" />;

  const pickImage = (f: File | undefined) => {
    setImageProblem(null);
    setImage(null);
    if (!f) return;
    if (!IMAGE_TYPES.includes(f.type)) return setImageProblem("Use a JPEG, PNG or WebP picture.");
    if (f.size > MAX_IMAGE) return setImageProblem("The picture is larger than 5 MB.");
    setImage(f);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };

  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <PageHeader title="Profile" />
      <section className="card" aria-labelledby="about-title">
        <div className="mb-6 flex items-center gap-4">
          <Avatar user={user} />
          <div className="min-w-0">
            <h2 id="about-title" className="truncate text-xl font-semibold">
              {[user.firstName, user.lastName].filter(Boolean).join(" ") || user.username}
            </h2>
            <p className="truncate text-slate-600">{user.email}</p>
            <p className="text-sm text-slate-600">
              @{user.username} · member since {formatDate(user.createdAt)}
              {user.role === "admin" ? " · administrator" : ""}
            </p>
          </div>
        </div>
        <form onSubmit={submit} className="space-y-4">
          <div className="grid gap-4 sm:grid-cols-2">
            <div>
              <label htmlFor="firstName" className="label">
                First name
              </label>
              <input id="firstName" className="input" value={firstName} maxLength={100} onChange={(e) => setFirstName(e.target.value)} autoComplete="given-name" />
            </div>
            <div>
              <label htmlFor="lastName" className="label">
                Last name
              </label>
              <input id="lastName" className="input" value={lastName} maxLength={100} onChange={(e) => setLastName(e.target.value)} autoComplete="family-name" />
            </div>
          </div>
          <div>
            <label htmlFor="fitnessLevel" className="label">
              Fitness level
            </label>
            <select id="fitnessLevel" className="input" value={fitnessLevel} onChange={(e) => setFitnessLevel(e.target.value as FitnessLevel | "")}>
              <option value="">Not said</option>
              {LEVELS.map((l) => (
                <option key={l.value} value={l.value}>
                  {l.label}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="goals" className="label">
              Goals
            </label>
            <textarea
              id="goals"
              className="input min-h-24"
              value={goals}
              maxLength={MAX_GOALS}
              rows={3}
              aria-describedby="goals-hint"
              placeholder="For example: squat deeper without my knees caving in"
              onChange={(e) => setGoals(e.target.value)}
            />
            <p id="goals-hint" className="mt-1 text-xs text-slate-600">
              {goals.length}/{MAX_GOALS} characters.
            </p>
          </div>
          <div>
            <label htmlFor="picture" className="label">
              Profile picture
            </label>
            <input
              id="picture"
              type="file"
              accept="image/jpeg,image/png,image/webp"
              aria-describedby="picture-hint"
              onChange={(e) => pickImage(e.target.files?.[0])}
              className="block w-full text-sm text-slate-700 file:mr-3 file:rounded-lg file:border-0 file:bg-slate-100 file:px-3 file:py-2 file:font-semibold file:text-slate-800 hover:file:bg-slate-200"
            />
            <p id="picture-hint" className="mt-1 text-xs text-slate-600">
              JPEG, PNG or WebP, up to 5 MB.
            </p>
            {imageProblem && (
              <p role="alert" className="mt-1 text-sm text-red-800">
                {imageProblem}
              </p>
            )}
          </div>
          {save.isError && <ErrorNote error={save.error} />}
          {save.isSuccess && <Notice tone="ok">Saved.</Notice>}
          <button type="submit" className="btn-primary" disabled={save.isPending || !!imageProblem}>
            {save.isPending ? "Saving…" : "Save changes"}
          </button>
        </form>
      </section>

      <section className="card" aria-labelledby="data-title">
        <h2 id="data-title" className="text-lg font-semibold">
          Your data
        </h2>
        <p className="mt-1 text-slate-600">Download everything Biome holds about you: your account, analyses, results and conversations, as JSON.</p>
        {exportData.isError && (
          <div className="mt-3">
            <ErrorNote error={exportData.error} />
          </div>
        )}
        <button type="button" className="btn-secondary mt-4" onClick={() => exportData.mutate()} disabled={exportData.isPending}>
          {exportData.isPending ? "Preparing…" : "Export my data"}
        </button>
      </section>

      <section className="card border-red-200" aria-labelledby="danger-title">
        <h2 id="danger-title" className="text-lg font-semibold text-red-900">
          Delete account
        </h2>
        <p className="mt-1 text-slate-700">Your account, every analysis, video, picture and conversation are erased. This cannot be undone.</p>
        <button type="button" className="btn-danger mt-4" onClick={() => setConfirmDelete(true)}>
          Delete my account
        </button>
      </section>
      <ConfirmDialog
        open={confirmDelete}
        title="Delete your account?"
        confirmLabel="Delete my account for good"
        busy={erase.isPending}
        onCancel={() => {
          setConfirmDelete(false);
          erase.reset();
        }}
        onConfirm={() => erase.mutate()}
      >
        <p>Everything Biome holds about {user.email} will be erased. Export your data first if you want to keep it.</p>
        {erase.isError && (
          <div className="mt-3">
            <ErrorNote error={erase.error} />
          </div>
        )}
      </ConfirmDialog>
    </div>
  );
}
