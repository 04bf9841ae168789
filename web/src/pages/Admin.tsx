/** Admin (administrators only): statistics, the user list, disable or enable accounts. */
import { useDeferredValue, useState } from "react";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../api/client";
import { useAuth } from "../api/auth";
import type { AdminStats, AdminUsers } from "../api/types";
import { ErrorNote, PageHeader, Spinner, formatDate } from "../components/ui";
import { useTitle } from "../lib/useTitle";

const PAGE_SIZE = 20;

function Stat({ label, value }: { label: string; value: React.ReactNode }) {
  return (
    <div className="card p-4 sm:p-5">
      <dt className="text-sm text-slate-600">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold tabular-nums">{value}</dd>
    </div>
  );
}

function bytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${Math.round(n / 1024)} KB`;
}

export function AdminPage() {
  useTitle("Admin");
  const { user, loading } = useAuth();
  const client = useQueryClient();
  const [search, setSearch] = useState("");
  const [page, setPage] = useState(1);
  const term = useDeferredValue(search.trim());
  const isAdmin = user?.role === "admin";
  const stats = useQuery({ queryKey: ["admin", "stats"], queryFn: () => unwrap<AdminStats>(api.GET("/v1/admin/stats")), enabled: isAdmin });
  const query = { page, limit: PAGE_SIZE, ...(term ? { search: term } : {}) };
  const users = useQuery({
    queryKey: ["admin", "users", query],
    queryFn: () => unwrap<AdminUsers>(api.GET("/v1/admin/users", { params: { query } })),
    enabled: isAdmin,
    placeholderData: keepPreviousData,
  });
  const toggle = useMutation({
    mutationFn: ({ id, isActive }: { id: string; isActive: boolean }) =>
      unwrap(api.PATCH("/v1/admin/users/{user_id}", { params: { path: { user_id: id } }, body: { isActive } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["admin"] }),
  });

  if (loading) return <Spinner />;
  if (!isAdmin) {
    return (
      <div className="mx-auto max-w-md py-12 text-center">
        <h1 className="text-2xl font-bold">Administrators only</h1>
        <p className="mt-2 text-slate-600">Your account cannot see this page.</p>
      </div>
    );
  }
  const s = stats.data;
  const pages = users.data?.pagination.totalPages ?? 1;
  return (
    <div className="space-y-6">
      <PageHeader title="Admin" subtitle="Users and how the service is doing." />
      {stats.isError ? (
        <ErrorNote error={stats.error} />
      ) : !s ? (
        <Spinner />
      ) : (
        <dl className="grid grid-cols-2 gap-4 lg:grid-cols-4">
          <Stat label="Users (active)" value={`${s.users.total} (${s.users.active})`} />
          <Stat label="Analyses (last 24 h)" value={`${s.sessions.total} (${s.sessions.last24h})`} />
          <Stat label="Failed analyses" value={s.sessions.byStatus.failed} />
          <Stat label="Average score" value={s.analyses.averageScore === null ? "—" : s.analyses.averageScore.toFixed(1)} />
          <Stat label="Average processing" value={s.analyses.averageProcessingTime === null ? "—" : `${s.analyses.averageProcessingTime.toFixed(0)} s`} />
          <Stat label="In the queue" value={`${s.sessions.byStatus.pending + s.sessions.byStatus.processing}`} />
          <Stat label="Video storage" value={bytes(s.storage.videoBytes)} />
          <Stat label="Administrators" value={s.users.admins} />
        </dl>
      )}
      <section className="card min-w-0" aria-labelledby="users-title">
        <div className="mb-4 flex flex-wrap items-end justify-between gap-3">
          <h2 id="users-title" className="text-lg font-semibold">
            Users
          </h2>
          <div className="w-full sm:w-72">
            <label htmlFor="user-search" className="sr-only">
              Search users
            </label>
            <input
              id="user-search"
              type="search"
              className="input"
              placeholder="Search by email or username"
              value={search}
              onChange={(e) => {
                setSearch(e.target.value);
                setPage(1);
              }}
            />
          </div>
        </div>
        {toggle.isError && (
          <div className="mb-3">
            <ErrorNote error={toggle.error} />
          </div>
        )}
        {users.isError ? (
          <ErrorNote error={users.error} />
        ) : !users.data ? (
          <Spinner />
        ) : (
          <ul className="divide-y divide-slate-100">
            {users.data.users.map((u) => (
              <li key={u.id} className="flex flex-wrap items-center justify-between gap-3 py-3">
                <div className="min-w-0">
                  <p className="truncate font-medium">
                    {u.username} {u.role === "admin" && <span className="chip ml-1 bg-sky-100 text-sky-900">admin</span>}
                    {!u.isActive && <span className="chip ml-1 bg-red-100 text-red-900">disabled</span>}
                  </p>
                  <p className="truncate text-sm text-slate-600">{u.email}</p>
                  <p className="text-xs text-slate-600">
                    Joined {formatDate(u.createdAt)} · last login {formatDate(u.lastLogin)}
                  </p>
                </div>
                {u.id !== user.id && (
                  <button
                    type="button"
                    className={u.isActive ? "btn-secondary" : "btn-primary"}
                    disabled={toggle.isPending}
                    onClick={() => toggle.mutate({ id: u.id, isActive: !u.isActive })}
                    aria-label={`${u.isActive ? "Disable" : "Enable"} ${u.username}`}
                  >
                    {u.isActive ? "Disable" : "Enable"}
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
        {pages > 1 && (
          <nav aria-label="User pages" className="mt-4 flex items-center justify-center gap-3">
            <button type="button" className="btn-secondary" disabled={page <= 1} onClick={() => setPage((p) => p - 1)}>
              Previous
            </button>
            <span className="text-sm">
              Page {page} of {pages}
            </span>
            <button type="button" className="btn-secondary" disabled={page >= pages} onClick={() => setPage((p) => p + 1)}>
              Next
            </button>
          </nav>
        )}
      </section>
    </div>
  );
}
