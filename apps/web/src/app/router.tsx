/**
 * Routes. Every page is a lazy chunk, so the first load carries only the shell (framework, auth guard,
 * layout); each area's code, and Recharts, arrive when the user opens that area.
 */
import { createBrowserRouter, type RouteObject } from 'react-router';
import { paths } from '@/config/paths';
import { AppLoading } from './app-loading';
import { AppLayout } from './layout/app-layout';
import { RequireAuth } from './require-auth';
import { RouteError } from './route-error';
import { NotFoundPage } from './status-pages';

/** A factory: React Router resolves `lazy` by mutating the route objects, so each router needs its own. */
export const createRoutes = (): RouteObject[] => [
  {
    ErrorBoundary: RouteError,
    // Rendered while the first lazy route's chunk loads.
    HydrateFallback: AppLoading,
    children: [
      {
        path: paths.login.path,
        lazy: { Component: async () => (await import('@/features/auth/pages/login-page')).LoginPage },
      },
      {
        Component: RequireAuth,
        children: [
          {
            Component: AppLayout,
            ErrorBoundary: RouteError,
            children: [
              {
                index: true,
                lazy: { Component: async () => (await import('@/features/home/pages/home-page')).HomePage },
              },
              {
                path: paths.admin.users.path,
                lazy: {
                  Component: async () => (await import('@/features/admin/pages/users-page')).UsersPage,
                },
              },
              {
                path: paths.admin.apiKeys.path,
                lazy: {
                  Component: async () => (await import('@/features/admin/pages/api-keys-page')).ApiKeysPage,
                },
              },
              {
                path: paths.admin.auditLog.path,
                lazy: {
                  Component: async () => (await import('@/features/admin/pages/audit-log-page')).AuditLogPage,
                },
              },
              {
                path: paths.admin.deadLetters.path,
                lazy: {
                  Component: async () =>
                    (await import('@/features/admin/pages/dead-letters-page')).DeadLettersPage,
                },
              },
              {
                path: '/quality',
                lazy: {
                  Component: async () =>
                    (await import('@/features/quality/pages/overview-page')).OverviewPage,
                },
              },
              {
                path: '/quality/tutors',
                lazy: {
                  Component: async () => (await import('@/features/quality/pages/tutors-page')).TutorsPage,
                },
              },
              {
                path: '/quality/tutors/:tutorId',
                lazy: {
                  Component: async () =>
                    (await import('@/features/quality/pages/tutor-detail-page')).TutorDetailPage,
                },
              },
              {
                path: '/quality/flags',
                lazy: {
                  Component: async () => (await import('@/features/quality/pages/flags-page')).FlagsPage,
                },
              },
              {
                path: '/quality/flags/:id',
                lazy: {
                  Component: async () =>
                    (await import('@/features/quality/pages/flag-detail-page')).FlagDetailPage,
                },
              },
              {
                path: '/quality/sessions/:id',
                lazy: {
                  Component: async () =>
                    (await import('@/features/quality/pages/session-detail-page')).SessionDetailPage,
                },
              },
              {
                path: '/quality/analytics',
                lazy: {
                  Component: async () =>
                    (await import('@/features/quality/pages/analytics-page')).AnalyticsPage,
                },
              },
              {
                path: '/quality/interventions',
                lazy: {
                  Component: async () =>
                    (await import('@/features/quality/pages/interventions-page')).InterventionsPage,
                },
              },
              { path: '*', Component: NotFoundPage },
            ],
          },
        ],
      },
    ],
  },
];

export function createRouter() {
  return createBrowserRouter(createRoutes());
}
