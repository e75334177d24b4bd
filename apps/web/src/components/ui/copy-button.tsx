import { useEffect, useState } from 'react';
import { Button, type ButtonProps } from './button';

/** Copies `value` to the clipboard and says so (visibly and to screen readers) for two seconds. */
export function CopyButton({
  value,
  label = 'Copy',
  ...props
}: Omit<ButtonProps, 'onClick'> & { value: string; label?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');

  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(timer);
  }, [state]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setState('copied');
    } catch {
      setState('failed');
    }
  };

  return (
    <>
      <Button variant="secondary" onClick={copy} {...props}>
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed: select the text' : label}
      </Button>
      <span className="sr-only" aria-live="polite">
        {state === 'copied'
          ? 'Copied to clipboard'
          : state === 'failed'
            ? 'Could not copy; select the text and copy it'
            : ''}
      </span>
    </>
  );
}
