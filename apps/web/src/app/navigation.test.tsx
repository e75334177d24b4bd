import type { TRole } from '@tutorpulse/contracts/identity';
import { render, screen, within } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { describe, expect, it } from 'vitest';
import { MainNav } from './layout/main-nav';
import { canVisit, getNavItems } from './navigation';

const EXPECTED: Record<TRole, string[]> = {
  admin: [
    'Home',
    'Overview',
    'Tutors',
    'Flags',
    'Analytics',
    'Interventions',
    'Users',
    'API keys',
    'Audit log',
    'Failed jobs',
  ],
  coach: ['Home', 'Overview', 'Tutors', 'Flags', 'Analytics', 'Interventions'],
  operator: ['Home'],
  viewer: ['Home', 'Overview', 'Tutors', 'Flags', 'Analytics', 'Interventions'],
  student: ['Home'],
  tutor: ['Home'],
};

describe('navigation table', () => {
  it.each(Object.entries(EXPECTED) as Array<[TRole, string[]]>)('%s sees exactly %j', (role, labels) => {
    expect(getNavItems(role).map((item) => item.label)).toEqual(labels);
  });

  it.each(Object.entries(EXPECTED) as Array<[TRole, string[]]>)(
    'the rendered nav of %s links exactly its items',
    (role, labels) => {
      const router = createMemoryRouter([{ path: '*', element: <MainNav role={role} /> }], {
        initialEntries: ['/'],
      });
      render(<RouterProvider router={router} />);
      const nav = screen.getByRole('navigation', { name: 'Main' });
      expect(
        within(nav)
          .getAllByRole('link')
          .map((link) => link.textContent),
      ).toEqual(labels);
      expect(within(nav).getByRole('link', { name: 'Home' })).toHaveAttribute('aria-current', 'page');
    },
  );

  it.each([
    ['admin', '/admin/users', true],
    ['admin', '/admin/audit-log', true],
    ['admin', '/admin/failed-jobs', true],
    ['coach', '/admin/failed-jobs', false],
    ['coach', '/admin/users', false],
    ['viewer', '/admin/api-keys', false],
    ['student', '/', true],
    ['tutor', '/no-such-page', true],
    ['coach', '/quality/sessions/ses_1', true],
    ['viewer', '/quality/sessions/ses_1', true],
    ['student', '/quality/sessions/ses_1', false],
    ['operator', '/quality/anything/else', false],
  ] as Array<[TRole, string, boolean]>)('%s may open %s: %s', (role, path, allowed) => {
    expect(canVisit(role, path)).toBe(allowed);
  });
});
