/** Joins class names, skipping falsy ones. (No tailwind-merge: components avoid conflicting classes instead.) */
export function cn(...classes: Array<string | false | null | undefined>): string {
  return classes.filter(Boolean).join(' ');
}
