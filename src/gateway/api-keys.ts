/**
 * API keys (AWS docs: "API keys and usage plans for REST APIs"): a method that requires a key answers
 * 403 `{"message":"Forbidden"}` when `x-api-key` is missing or names no enabled key. Keys come from
 * the template's `AWS::ApiGateway::ApiKey` Values, `--api-key`, or one generated at start-up.
 */
export interface ApiKey {
  id: string;
  value: string;
  /** Where it came from, for the start-up banner. */
  source: string;
}

export class ApiKeyStore {
  private readonly byValue = new Map<string, ApiKey>();

  constructor(keys: ApiKey[]) {
    for (const k of keys) this.byValue.set(k.value, k);
  }

  get keys(): ApiKey[] {
    return [...this.byValue.values()];
  }

  /** The key a request presents, if it is one of ours. Values compare exactly (case-sensitive). */
  find(value: string | undefined): ApiKey | undefined {
    return value === undefined ? undefined : this.byValue.get(value);
  }
}

/** A key value the way API Gateway generates them: 40 characters of [A-Za-z0-9]. */
export function generateApiKeyValue(
  random: (n: number) => Uint8Array = (n) => crypto.getRandomValues(new Uint8Array(n)),
): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (const b of random(40)) out += alphabet[b % alphabet.length];
  return out;
}
