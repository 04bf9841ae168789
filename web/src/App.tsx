/** The app's routes (the web contract lists them). */
import { lazy, Suspense, type ReactNode } from "react";
import { BrowserRouter, Navigate, Route, Routes, useLocation } from "react-router";
import { useAuth } from "./api/auth";
import { Layout } from "./components/Layout";
import { Spinner } from "./components/ui";
import { HomePage } from "./pages/Home";
import { LoginPage, SignupPage } from "./pages/Auth";
import { NotFoundPage } from "./pages/NotFound";

// Signed-in pages load when first visited: the landing and login pages stay small.
const ExercisesPage = lazy(() => import("./pages/Exercises").then((m) => ({ default: m.ExercisesPage })));
const AnalyzePage = lazy(() => import("./pages/Analyze").then((m) => ({ default: m.AnalyzePage })));
const AnalysingPage = lazy(() => import("./pages/Analysing").then((m) => ({ default: m.AnalysingPage })));
const HistoryPage = lazy(() => import("./pages/History").then((m) => ({ default: m.HistoryPage })));
const ProfilePage = lazy(() => import("./pages/Profile").then((m) => ({ default: m.ProfilePage })));
const AdminPage = lazy(() => import("./pages/Admin").then((m) => ({ default: m.AdminPage })));
const ResultsPage = lazy(() => import("./pages/Results"));
const ProgressPage = lazy(() => import("./pages/Progress"));
const LivePage = lazy(() => import("./pages/Live").then((m) => ({ default: m.LivePage })));

function RequireAuth({ children }: { children: ReactNode }) {
  const { token } = useAuth();
  const location = useLocation();
  if (!token) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/login?next=${next}`} replace />;
  }
  return <>{children}</>;
}

const guarded = (page: ReactNode) => (
  <RequireAuth>
    <Suspense fallback={<Spinner />}>{page}</Suspense>
  </RequireAuth>
);

export function App() {
  return (
    <BrowserRouter>
      <Routes>
        <Route element={<Layout />}>
          <Route index element={<HomePage />} />
          <Route path="login" element={<LoginPage />} />
          <Route path="signup" element={<SignupPage />} />
          <Route
            path="exercises"
            element={
              <Suspense fallback={<Spinner />}>
                <ExercisesPage />
              </Suspense>
            }
          />
          <Route path="analyze" element={guarded(<AnalyzePage />)} />
          <Route path="sessions/:id/progress" element={guarded(<AnalysingPage />)} />
          <Route path="results/:id" element={guarded(<ResultsPage />)} />
          <Route path="history" element={guarded(<HistoryPage />)} />
          <Route path="progress" element={guarded(<ProgressPage />)} />
          <Route path="profile" element={guarded(<ProfilePage />)} />
          <Route path="admin" element={guarded(<AdminPage />)} />
          <Route path="live" element={guarded(<LivePage />)} />
          <Route path="home" element={<Navigate to="/" replace />} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </BrowserRouter>
  );
}
