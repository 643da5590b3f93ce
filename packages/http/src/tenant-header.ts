/** The header the identity provider's clients name their tenant in. */
export const TENANT_HEADER = 'x-tenant-id';

/** The tenant named by the `x-tenant-id` header; an empty header names none. */
export function tenantHeader(request: Request): string | undefined {
  const value = request.headers.get(TENANT_HEADER);
  return value === null || value === '' ? undefined : value;
}
