import type { TRole } from '@tutorpulse/contracts/identity';
import { NavLink } from 'react-router';
import { cn } from '@/lib/cn';
import { getNavItems } from '../navigation';

export function MainNav({ role, id, className }: { role: TRole; id?: string; className?: string }) {
  const items = getNavItems(role);
  return (
    <nav id={id} aria-label="Main" className={className}>
      <ul className="space-y-1">
        {items.map((item) => (
          <li key={item.id}>
            <NavLink
              to={item.to}
              end={item.end}
              className={({ isActive }) =>
                cn(
                  'flex items-center rounded-md px-3 py-2 text-sm font-medium transition-colors focus-visible:outline-2 focus-visible:outline-indigo-600',
                  isActive
                    ? 'bg-indigo-50 text-indigo-700'
                    : 'text-slate-700 hover:bg-slate-100 hover:text-slate-900',
                )
              }
            >
              {item.label}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
