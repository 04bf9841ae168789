/** Choose the exercise: search, categories, popular, and how to film each. */
import { useDeferredValue, useState } from "react";
import { Link } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../api/client";
import type { Exercise } from "../api/types";
import { CategoryIcon } from "../components/CategoryIcon";
import { Empty, ErrorNote, PageHeader, Spinner } from "../components/ui";
import { coverageLine, filmingAdvice, viewCoverage } from "../lib/filming";
import { useTitle } from "../lib/useTitle";

type Category = "Upper Body" | "Lower Body" | "Core" | "Other";

function ExerciseCard({ exercise }: { exercise: Exercise }) {
  const advice = filmingAdvice(exercise.views, exercise.checks);
  const others = viewCoverage(exercise.views, exercise.checks).slice(1);
  return (
    <li className="card flex flex-col gap-3 p-4 sm:p-5">
      <div className="flex items-start gap-3">
        <span className="flex size-11 shrink-0 items-center justify-center rounded-xl bg-brand-50" aria-hidden="true">
          <CategoryIcon category={exercise.category} />
        </span>
        <div className="min-w-0">
          <h3 className="font-semibold">{exercise.name}</h3>
          <p className="text-xs font-medium text-slate-600">
            {exercise.category}
            {exercise.isPopular ? " · Popular" : ""}
          </p>
        </div>
      </div>
      {exercise.description && <p className="text-sm text-slate-700">{exercise.description}</p>}
      <p className="flex gap-2 text-sm text-slate-700">
        <svg viewBox="0 0 24 24" className="mt-0.5 size-4 shrink-0 text-brand-700" aria-hidden="true">
          <path d="M4 7h3l2-2h6l2 2h3v12H4z" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinejoin="round" />
          <circle cx="12" cy="13" r="3.5" fill="none" stroke="currentColor" strokeWidth="1.8" />
        </svg>
        <span>{advice ?? "Film with your whole body in frame, camera still at hip height."}</span>
      </p>
      {others.length > 0 && (
        <details className="text-sm text-slate-700">
          <summary className="cursor-pointer font-medium text-brand-800">Other camera views</summary>
          <ul className="mt-1 list-disc space-y-0.5 pl-5">
            {others.map((o) => (
              <li key={o.view}>{coverageLine(o)[0].toUpperCase() + coverageLine(o).slice(1)}</li>
            ))}
          </ul>
        </details>
      )}
      <Link to={`/analyze?exercise=${exercise.id}`} className="btn-primary mt-auto" aria-label={`Analyse ${exercise.name}`}>
        Analyse this
      </Link>
    </li>
  );
}

export function ExercisesPage() {
  useTitle("Exercises");
  const [search, setSearch] = useState("");
  const [category, setCategory] = useState<Category | null>(null);
  const [popularOnly, setPopularOnly] = useState(false);
  const term = useDeferredValue(search.trim());
  const categories = useQuery({
    queryKey: ["exercise-categories"],
    queryFn: () => unwrap<{ categories: { name: string; count: number }[] }>(api.GET("/v1/exercises/categories")),
    staleTime: 300_000,
  });
  const exercises = useQuery({
    queryKey: ["exercises", term, category, popularOnly],
    queryFn: () =>
      unwrap<{ exercises: Exercise[] }>(
        api.GET("/v1/exercises", {
          params: {
            query: {
              ...(term ? { search: term.slice(0, 100) } : {}),
              ...(category ? { category } : {}),
              ...(popularOnly ? { popular: "true" as const } : {}),
            },
          },
        }),
      ),
    staleTime: 300_000,
    placeholderData: (prev) => prev,
  });
  const list = exercises.data?.exercises ?? [];
  const popular = !term && !category && !popularOnly ? list.filter((e) => e.isPopular) : [];
  return (
    <div>
      <PageHeader title="Choose the exercise" subtitle="Pick what you will film. Each exercise says how to place the camera so every check can be made." />
      <div className="mb-6 flex flex-col gap-4">
        <div className="max-w-md">
          <label htmlFor="exercise-search" className="label">
            Search exercises
          </label>
          <input
            id="exercise-search"
            type="search"
            className="input"
            placeholder="e.g. squat, push-up, curl"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
        </div>
        <div role="group" aria-label="Category" className="flex flex-wrap gap-2">
          {[null, ...((categories.data?.categories.map((c) => c.name) ?? []) as Category[])].map((c) => (
            <button
              key={c ?? "all"}
              type="button"
              aria-pressed={category === c}
              onClick={() => setCategory(c)}
              className={`chip px-3 py-1.5 text-sm ${category === c ? "bg-brand-700 text-white" : "border border-slate-300 bg-white text-slate-800 hover:bg-slate-100"}`}
            >
              {c ?? "All"}
              {c && categories.data ? ` (${categories.data.categories.find((x) => x.name === c)?.count ?? 0})` : ""}
            </button>
          ))}
          <button
            type="button"
            aria-pressed={popularOnly}
            onClick={() => setPopularOnly((p) => !p)}
            className={`chip px-3 py-1.5 text-sm ${popularOnly ? "bg-amber-500 text-slate-900" : "border border-slate-300 bg-white text-slate-800 hover:bg-slate-100"}`}
          >
            ★ Popular only
          </button>
        </div>
      </div>
      {exercises.isPending ? (
        <Spinner label="Loading exercises" />
      ) : exercises.isError ? (
        <ErrorNote error={exercises.error} onRetry={() => exercises.refetch()} />
      ) : list.length === 0 ? (
        <Empty title="No exercise matches">Try another name or category.</Empty>
      ) : (
        <div className="space-y-10">
          {popular.length > 0 && (
            <section aria-labelledby="popular-title">
              <h2 id="popular-title" className="mb-3 text-xl font-semibold">
                Popular
              </h2>
              <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
                {popular.map((e) => (
                  <ExerciseCard key={e.id} exercise={e} />
                ))}
              </ul>
            </section>
          )}
          <section aria-labelledby="all-title">
            <h2 id="all-title" className="mb-3 text-xl font-semibold">
              {popular.length ? "More exercises" : `${list.length} ${list.length === 1 ? "exercise" : "exercises"}`}
            </h2>
            <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
              {list.filter((e) => !popular.includes(e)).map((e) => (
                <ExerciseCard key={e.id} exercise={e} />
              ))}
            </ul>
          </section>
        </div>
      )}
    </div>
  );
}
