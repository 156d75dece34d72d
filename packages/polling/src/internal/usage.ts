/** One-line call signatures generated from a tool's JSON Schema, for error messages. */

interface PropertySchema {
  type?: string;
  enum?: readonly unknown[];
  items?: PropertySchema;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  default?: unknown;
}

function typeOf(p: PropertySchema): string {
  if (p.enum) return p.enum.map((v) => JSON.stringify(v)).join('|');
  if (p.type === 'array' && p.items) return `${typeOf(p.items)}[]`;
  const lo = p.exclusiveMinimum !== undefined ? `${p.exclusiveMinimum} < ` : p.minimum !== undefined ? `${p.minimum} <= ` : '';
  const hi = p.exclusiveMaximum !== undefined ? ` < ${p.exclusiveMaximum}` : p.maximum !== undefined ? ` <= ${p.maximum}` : '';
  const type = p.type === 'integer' ? 'integer' : (p.type ?? 'any');
  return lo || hi ? `${type} (${lo}x${hi})` : type;
}

/** `bg_kill {"id": string}`-style usage line from an object schema. */
export function usageLine(name: string, schema: { properties?: Record<string, unknown>; required?: readonly string[] }): string {
  const required = new Set(schema.required ?? []);
  const fields = Object.entries(schema.properties ?? {}).map(([key, value]) => {
    const p = value as PropertySchema;
    const dflt = p.default !== undefined ? `, default ${JSON.stringify(p.default)}` : '';
    return `"${key}"${required.has(key) ? '' : '?'}: ${typeOf(p)}${dflt}`;
  });
  return `Call it as ${name} {${fields.join(', ')}}`;
}
