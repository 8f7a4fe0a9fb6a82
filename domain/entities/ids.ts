const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Every entity id is a UUID; anything else names nothing, so lookups treat it as "not found". */
export function isEntityId(value: string): boolean {
  return UUID_PATTERN.test(value);
}
