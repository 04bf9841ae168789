/** Sign up and log in. Errors from the API are shown as plain sentences beside the form. */
import { useState, type FormEvent } from "react";
import { Link, Navigate, useNavigate, useSearchParams } from "react-router";
import { useMutation } from "@tanstack/react-query";
import { api, unwrap } from "../api/client";
import { useAuth } from "../api/auth";
import { errorField } from "../api/errors";
import { ErrorNote } from "../components/ui";
import { useTitle } from "../lib/useTitle";

/** Only app-internal paths are followed after logging in (no open redirect). */
function safeNext(raw: string | null): string {
  return raw && raw.startsWith("/") && !raw.startsWith("//") ? raw : "/";
}

function AuthCard({ title, subtitle, children }: { title: string; subtitle: React.ReactNode; children: React.ReactNode }) {
  return (
    <div className="mx-auto max-w-md">
      <div className="card">
        <h1 className="text-2xl font-bold tracking-tight">{title}</h1>
        <p className="mt-1 mb-6 text-slate-600">{subtitle}</p>
        {children}
      </div>
    </div>
  );
}

function Field(props: {
  id: string;
  label: string;
  type?: string;
  value: string;
  onChange: (v: string) => void;
  autoComplete?: string;
  required?: boolean;
  hint?: string;
  invalid?: boolean;
  minLength?: number;
}) {
  const hintId = props.hint ? `${props.id}-hint` : undefined;
  return (
    <div>
      <label htmlFor={props.id} className="label">
        {props.label}
      </label>
      <input
        id={props.id}
        name={props.id}
        className={`input ${props.invalid ? "border-red-500" : ""}`}
        type={props.type ?? "text"}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        autoComplete={props.autoComplete}
        required={props.required}
        minLength={props.minLength}
        aria-invalid={props.invalid || undefined}
        aria-describedby={hintId}
      />
      {props.hint && (
        <p id={hintId} className="mt-1 text-xs text-slate-600">
          {props.hint}
        </p>
      )}
    </div>
  );
}

export function LoginPage() {
  useTitle("Log in");
  const { token, signIn } = useAuth();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const login = useMutation({
    mutationFn: () => unwrap(api.POST("/v1/auth/login", { body: { email, password } })),
    onSuccess: (data) => {
      signIn((data as { token: string }).token);
      navigate(safeNext(params.get("next")), { replace: true });
    },
  });
  if (token && !login.isSuccess) return <Navigate to={safeNext(params.get("next"))} replace />;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate();
  };
  return (
    <AuthCard
      title="Log in"
      subtitle={
        <>
          New to Biome?{" "}
          <Link className="font-semibold text-brand-700 underline" to="/signup">
            Create an account
          </Link>
        </>
      }
    >
      <form className="space-y-4" onSubmit={submit} noValidate={false}>
        <Field id="email" label="Email" type="email" value={email} onChange={setEmail} autoComplete="email" required />
        <Field id="password" label="Password" type="password" value={password} onChange={setPassword} autoComplete="current-password" required />
        {login.isError && <ErrorNote error={login.error} />}
        <button type="submit" className="btn-primary w-full" disabled={login.isPending}>
          {login.isPending ? "Logging in…" : "Log in"}
        </button>
      </form>
    </AuthCard>
  );
}

export function SignupPage() {
  useTitle("Sign up");
  const { token, signIn } = useAuth();
  const navigate = useNavigate();
  const [form, setForm] = useState({ firstName: "", lastName: "", email: "", username: "", password: "" });
  const set = (k: keyof typeof form) => (v: string) => setForm((f) => ({ ...f, [k]: v }));
  const register = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/v1/auth/register", {
          body: {
            email: form.email,
            username: form.username,
            password: form.password,
            ...(form.firstName ? { firstName: form.firstName } : {}),
            ...(form.lastName ? { lastName: form.lastName } : {}),
          },
        }),
      ),
    onSuccess: (data) => {
      signIn((data as { token: string }).token);
      navigate("/exercises", { replace: true });
    },
  });
  if (token && !register.isSuccess) return <Navigate to="/" replace />;
  const bad = errorField(register.error);
  return (
    <AuthCard
      title="Create your account"
      subtitle={
        <>
          Already have one?{" "}
          <Link className="font-semibold text-brand-700 underline" to="/login">
            Log in
          </Link>
        </>
      }
    >
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          register.mutate();
        }}
      >
        <div className="grid gap-4 sm:grid-cols-2">
          <Field id="firstName" label="First name" value={form.firstName} onChange={set("firstName")} autoComplete="given-name" />
          <Field id="lastName" label="Last name" value={form.lastName} onChange={set("lastName")} autoComplete="family-name" />
        </div>
        <Field id="email" label="Email" type="email" value={form.email} onChange={set("email")} autoComplete="email" required invalid={bad === "email"} />
        <Field
          id="username"
          label="Username"
          value={form.username}
          onChange={set("username")}
          autoComplete="username"
          required
          invalid={bad === "username"}
          hint="3 or more letters, digits, dots, dashes or underscores."
        />
        <Field
          id="password"
          label="Password"
          type="password"
          value={form.password}
          onChange={set("password")}
          autoComplete="new-password"
          required
          minLength={8}
          invalid={bad === "password"}
          hint="At least 8 characters."
        />
        {register.isError && <ErrorNote error={register.error} />}
        <button type="submit" className="btn-primary w-full" disabled={register.isPending}>
          {register.isPending ? "Creating your account…" : "Sign up"}
        </button>
      </form>
    </AuthCard>
  );
}
