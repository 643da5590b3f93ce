/** The header the identity provider's clients name their tenant in. */
export const TENANT_HEADER = 'x-tenant-id';

/** The tenant named by the `x-tenant-id` header; an empty header names none. */
export function tenantHeader(request: Request): string | undefined {
  const value = request.headers.get(TENANT_HEADER);
  return value === null || value === '' ? undefined : value;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Why `id` is not a valid tenant id (SPEC §2), or `undefined`. */
export function idProblem(id: string): string | undefined {
  if (id.length < 1 || id.length > 256) return 'must be 1 to 256 characters';
  if (CONTROL.test(id)) return 'must not contain control characters';
  if (/\p{Cs}/u.test(id)) return 'must be well-formed Unicode';
  return undefined;
}
