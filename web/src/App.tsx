/** The app's routes (the web contract lists them). */
import { lazy, Suspense, type ReactNode } from "react";
import { BrowserRouter, Navigate, Route, Routes, useLocation } from "react-router";
import { useAuth } from "./api/auth";
import { Layout } from "./components/Layout";
import { Spinner } from "./components/ui";
import { HomePage } from "./pages/Home";
import { LoginPage, SignupPage } from "./pages/Auth";
import { ExercisesPage } from "./pages/Exercises";
import { AnalyzePage } from "./pages/Analyze";
import { AnalysingPage } from "./pages/Analysing";
import { HistoryPage } from "./pages/History";
import { ProfilePage } from "./pages/Profile";
import { AdminPage } from "./pages/Admin";
import { NotFoundPage } from "./pages/NotFound";

// The pages with charts carry uPlot: loaded when first visited.
const ResultsPage = lazy(() => import("./pages/Results"));
const ProgressPage = lazy(() => import("./pages/Progress"));

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
          <Route path="exercises" element={<ExercisesPage />} />
          <Route path="analyze" element={guarded(<AnalyzePage />)} />
          <Route path="sessions/:id/progress" element={guarded(<AnalysingPage />)} />
          <Route path="results/:id" element={guarded(<ResultsPage />)} />
          <Route path="history" element={guarded(<HistoryPage />)} />
          <Route path="progress" element={guarded(<ProgressPage />)} />
          <Route path="profile" element={guarded(<ProfilePage />)} />
          <Route path="admin" element={guarded(<AdminPage />)} />
          <Route path="home" element={<Navigate to="/" replace />} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </BrowserRouter>
  );
}
