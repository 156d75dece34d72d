/** A readable prefix for generated job ids: the command's program name (as the local executor does). */
export function commandSlug(command: string): string {
  const first = command.trim().split(/\s+/)[0] ?? '';
  const base = first.split('/').pop() ?? '';
  const slug = base
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 16);
  return /^[a-z0-9]/.test(slug) ? slug : 'job';
}
