import { useEffect } from 'react';

/** Each page names itself, so browser tabs, history and screen readers say where the user is. */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Tutorpulse` : 'Tutorpulse';
  }, [title]);
}
