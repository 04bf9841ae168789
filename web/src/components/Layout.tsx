/** The frame of every page: skip link, header with navigation, main, footer. */
import { useState } from "react";
import { Link, NavLink, Outlet, useNavigate } from "react-router";
import { useAuth } from "../api/auth";

function Logo() {
  return (
    <Link to="/" className="flex items-center gap-2 rounded-lg font-bold tracking-tight text-slate-900" aria-label="Biome home">
      <svg viewBox="0 0 32 32" className="size-8" aria-hidden="true">
        <rect width="32" height="32" rx="8" fill="#047857" />
        <path d="M9 22c4-1 6-5 7-12 1 7 3 11 7 12" fill="none" stroke="#fff" strokeWidth="2.5" strokeLinecap="round" />
        <circle cx="16" cy="8" r="2.5" fill="#fff" />
      </svg>
      <span className="text-lg">Biome</span>
    </Link>
  );
}

const linkClass = ({ isActive }: { isActive: boolean }) =>
  `rounded-lg px-3 py-2 text-sm font-medium ${isActive ? "bg-brand-50 text-brand-800" : "text-slate-700 hover:bg-slate-100"}`;

export function Layout() {
  const { token, user, signOut } = useAuth();
  const navigate = useNavigate();
  const [menuOpen, setMenuOpen] = useState(false);
  const links = token
    ? [
        ["/exercises", "Exercises"],
        ["/analyze", "Analyse"],
        ["/live", "Coach me live"],
        ["/history", "History"],
        ["/progress", "Progress"],
        ["/profile", "Profile"],
        ...(user?.role === "admin" ? [["/admin", "Admin"]] : []),
      ]
    : [["/exercises", "Exercises"]];
  const logout = async () => {
    setMenuOpen(false);
    await signOut();
    navigate("/login");
  };
  return (
    <div className="flex min-h-dvh flex-col">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-4 focus:top-4 focus:z-50 focus:rounded-lg focus:bg-white focus:px-4 focus:py-2 focus:shadow">
        Skip to content
      </a>
      <header className="sticky top-0 z-30 border-b border-slate-200 bg-white/90 backdrop-blur">
        <div className="mx-auto flex h-16 max-w-6xl items-center justify-between gap-4 px-4">
          <Logo />
          <nav aria-label="Main" className="hidden items-center gap-1 md:flex">
            {links.map(([to, label]) => (
              <NavLink key={to} to={to} className={linkClass}>
                {label}
              </NavLink>
            ))}
          </nav>
          <div className="hidden items-center gap-2 md:flex">
            {token ? (
              <button type="button" className="btn-ghost" onClick={logout}>
                Log out
              </button>
            ) : (
              <>
                <Link to="/login" className="btn-ghost">
                  Log in
                </Link>
                <Link to="/signup" className="btn-primary">
                  Sign up
                </Link>
              </>
            )}
          </div>
          <button
            type="button"
            className="btn-ghost md:hidden"
            aria-expanded={menuOpen}
            aria-controls="mobile-menu"
            onClick={() => setMenuOpen((o) => !o)}
          >
            <svg viewBox="0 0 24 24" className="size-5" aria-hidden="true">
              <path d="M4 7h16M4 12h16M4 17h16" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
            </svg>
            Menu
          </button>
        </div>
        {menuOpen && (
          <nav id="mobile-menu" aria-label="Main" className="border-t border-slate-200 bg-white px-4 py-3 md:hidden">
            <ul className="flex flex-col gap-1">
              {links.map(([to, label]) => (
                <li key={to}>
                  <NavLink to={to} className={(s) => `block ${linkClass(s)}`} onClick={() => setMenuOpen(false)}>
                    {label}
                  </NavLink>
                </li>
              ))}
              <li className="mt-2 flex gap-2 border-t border-slate-100 pt-3">
                {token ? (
                  <button type="button" className="btn-secondary w-full" onClick={logout}>
                    Log out
                  </button>
                ) : (
                  <>
                    <Link to="/login" className="btn-secondary flex-1" onClick={() => setMenuOpen(false)}>
                      Log in
                    </Link>
                    <Link to="/signup" className="btn-primary flex-1" onClick={() => setMenuOpen(false)}>
                      Sign up
                    </Link>
                  </>
                )}
              </li>
            </ul>
          </nav>
        )}
      </header>
      <main id="main" tabIndex={-1} className="mx-auto w-full max-w-6xl flex-1 px-4 py-8 focus:outline-none">
        <Outlet />
      </main>
      <footer className="border-t border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-2 px-4 py-6 text-sm text-slate-600">
          <p>Biome — open-source AI form coach.</p>
          <p>
            <a className="underline hover:text-slate-900" href="/docs">
              API documentation
            </a>
          </p>
        </div>
      </footer>
    </div>
  );
}
