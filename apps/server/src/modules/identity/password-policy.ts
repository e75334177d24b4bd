/**
 * Password rules from OWASP ASVS 5.0: 8 to 128 characters, no composition rules, and not one of the most
 * common passwords (a short embedded list: no download at run time).
 */
const COMMON = new Set(
  `123456 123456789 12345678 password qwerty123 qwerty 1q2w3e4r 12345 1234567890 111111 1234567 123123
  password1 abc123 iloveyou 000000 qwertyuiop 1qaz2wsx 123321 654321 superman 987654321 sunshine dragon
  princess football baseball welcome welcome1 monkey letmein trustno1 passw0rd starwars whatever master
  michael shadow ashley jennifer hunter2 jordan23 password123 admin123 administrator changeme changeme123
  qazwsxedc zaq12wsx 1q2w3e4r5t 123qwe 123abc asdfghjkl asdfgh zxcvbnm 11111111 00000000 12341234 88888888
  87654321 computer internet freedom whatever1 secret123 letmein1 football1 iloveyou1 q1w2e3r4 q1w2e3r4t5
  p@ssw0rd p@ssword passw0rd1 tutorpulse`
    .split(/\s+/)
    .filter(Boolean),
);

export function checkPasswordPolicy(password: string, context: { email?: string } = {}): string | null {
  const chars = [...password].length;
  if (chars < 8) return 'Password must be at least 8 characters';
  if (chars > 128) return 'Password must be at most 128 characters';
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) return 'This password is too common; choose another';
  if (context.email && lower === context.email.toLowerCase()) return 'Password must not be the email address';
  return null;
}
