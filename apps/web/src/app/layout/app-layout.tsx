import { useEffect, useRef, useState } from 'react';
import { Link, Outlet, useLocation } from 'react-router';
import logoUrl from '@/assets/favicon.svg';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { paths } from '@/config/paths';
import { useLogout, useUser } from '@/lib/auth';
import { cn } from '@/lib/cn';
import { formatRole } from '@/lib/format';
import { useEventStream } from '@/lib/sse';
import { canVisit } from '../navigation';
import { ForbiddenPage } from '../status-pages';
import { MainNav } from './main-nav';
import { StreamStatusIndicator } from './stream-status';

/** The signed-in frame: skip link, header (who, live status, sign out), role-based navigation, main. */
export function AppLayout() {
  const user = useUser();
  const logout = useLogout();
  const streamStatus = useEventStream();
  const location = useLocation();
  const [isMenuOpen, setMenuOpen] = useState(false);
  const mainRef = useRef<HTMLElement>(null);
  const previousPath = useRef(location.pathname);

  // After a client-side navigation, close the phone menu and move focus to the new page, as a page load would.
  useEffect(() => {
    if (previousPath.current === location.pathname) return;
    previousPath.current = location.pathname;
    setMenuOpen(false);
    mainRef.current?.focus({ preventScroll: true });
  }, [location.pathname]);

  return (
    <div className="min-h-screen bg-slate-50">
      <a
        href="#main"
        className="sr-only z-50 rounded-md bg-white px-4 py-2 text-sm font-medium text-indigo-700 shadow focus:not-sr-only focus:fixed focus:top-2 focus:left-2"
      >
        Skip to main content
      </a>
      <header className="sticky top-0 z-30 border-b border-slate-200 bg-white">
        <div className="flex h-14 items-center gap-3 px-4 sm:px-6">
          <button
            type="button"
            className="-ml-1 rounded-md p-2 text-slate-600 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600 lg:hidden"
            aria-expanded={isMenuOpen}
            aria-controls="main-nav"
            onClick={() => setMenuOpen((open) => !open)}
          >
            <span className="sr-only">{isMenuOpen ? 'Close menu' : 'Open menu'}</span>
            <svg
              className="size-5"
              viewBox="0 0 24 24"
              fill="none"
              stroke="currentColor"
              strokeWidth="1.8"
              aria-hidden="true"
            >
              {isMenuOpen ? (
                <path strokeLinecap="round" d="M6 6l12 12M18 6L6 18" />
              ) : (
                <path strokeLinecap="round" d="M4 7h16M4 12h16M4 17h16" />
              )}
            </svg>
          </button>
          <Link
            to={paths.home.getHref()}
            className="flex items-center gap-2 rounded font-semibold text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-600"
          >
            <img src={logoUrl} alt="" className="size-6" width="24" height="24" />
            <span>Tutorpulse</span>
          </Link>
          <div className="ml-auto flex min-w-0 items-center gap-3 sm:gap-4">
            <StreamStatusIndicator status={streamStatus} />
            <div className="flex min-w-0 items-center gap-2">
              <span
                className="hidden max-w-[14rem] truncate text-sm font-medium text-slate-800 sm:inline"
                title={user.email}
              >
                {user.name}
              </span>
              <Badge tone="info">{formatRole(user.role)}</Badge>
            </div>
            <Button
              variant="secondary"
              size="sm"
              onClick={() => logout.mutate()}
              isLoading={logout.isPending}
            >
              Sign out
            </Button>
          </div>
        </div>
      </header>
      {/* At least the viewport below the header (3.5rem and its 1px border) tall, so the sidebar reaches the
          bottom on short pages too, without a 1px scroll. */}
      <div className="lg:flex lg:min-h-[calc(100vh-3.5rem-1px)]">
        {/* The sidebar's column stretches with the page (its background and border span the full height);
            the navigation inside it stays in view while the page scrolls. */}
        <div className="lg:w-60 lg:shrink-0 lg:border-r lg:border-slate-200 lg:bg-white">
          <MainNav
            id="main-nav"
            role={user.role}
            className={cn(
              'border-b border-slate-200 bg-white px-3 py-3 lg:sticky lg:top-14 lg:block lg:max-h-[calc(100vh-3.5rem)] lg:overflow-y-auto lg:border-b-0 lg:py-6',
              !isMenuOpen && 'hidden',
            )}
          />
        </div>
        <main
          id="main"
          ref={mainRef}
          tabIndex={-1}
          className="min-w-0 flex-1 px-4 py-6 focus:outline-none sm:px-6 lg:px-8 lg:py-8"
        >
          <div className="mx-auto max-w-6xl">
            {canVisit(user.role, location.pathname) ? <Outlet /> : <ForbiddenPage />}
          </div>
        </main>
      </div>
    </div>
  );
}
