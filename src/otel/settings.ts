// OpenTelemetry's own environment variables, as wrapt-hooks reads them when it exports on its
// own (no tracer provider registered by the application): whether there is an endpoint, which
// OTLP protocol, and the URL, headers and timeout of the request that flushes the last spans at
// exit. Pure: the environment is an argument, and a mistake is returned, never thrown.

import type { Env } from '../env';

export type Protocol = 'http/protobuf' | 'http/json';

export interface ExportSettings {
  readonly protocol: Protocol;
  /** Where trace data is posted: the traces endpoint, or the base endpoint + `/v1/traces`. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

export interface SettingsProblem {
  /** The variable at fault, named in the warning. */
  readonly variable: string;
  readonly message: string;
}

const set = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

/** Is an OTLP endpoint configured (the condition for exporting on our own)? */
export function hasEndpoint(env: Env): boolean {
  return set(env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']) || set(env['OTEL_EXPORTER_OTLP_ENDPOINT']);
}

/**
 * The settings for exporting on our own, or the problem that stops it (a URL that is not an
 * http(s) URL). A protocol other than the two HTTP ones is a problem too, but not a stop: the
 * exporter then uses http/protobuf, OpenTelemetry's default (`fallback`).
 */
export function exportSettings(env: Env): { settings?: ExportSettings; problems: SettingsProblem[] } {
  const problems: SettingsProblem[] = [];
  const perSignal = set(env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']);
  const variable = perSignal ? 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' : 'OTEL_EXPORTER_OTLP_ENDPOINT';
  const raw = (env[variable] ?? '').trim();
  let url: string | undefined;
  try {
    const parsed = new URL(raw);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`scheme ${parsed.protocol} is neither http: nor https:`);
    url = perSignal ? parsed.href : `${parsed.href.replace(/\/+$/, '')}/v1/traces`;
  } catch (error) {
    const why = error instanceof Error && error.message.startsWith('scheme') ? error.message : 'not a URL';
    problems.push({
      variable,
      message: `${variable}=${JSON.stringify(raw.slice(0, 200))} is ${why}: no spans are exported. Set it to the collector's http(s) URL, such as http://127.0.0.1:4318.`,
    });
  }
  const protocolVariable = set(env['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL']) ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const protocolText = (env[protocolVariable] ?? '').trim();
  let protocol: Protocol = 'http/protobuf';
  if (protocolText === 'http/json') protocol = 'http/json';
  else if (protocolText !== '' && protocolText !== 'http/protobuf') {
    problems.push({
      variable: protocolVariable,
      message: `${protocolVariable}=${JSON.stringify(protocolText.slice(0, 100))} is not a protocol wrapt-hooks exports with (http/protobuf or http/json): it uses http/protobuf.`,
    });
  }
  if (url === undefined) return { problems };
  return { settings: { protocol, url, headers: otlpHeaders(env), timeoutMs: timeout(env) }, problems };
}

/**
 * OTEL_EXPORTER_OTLP_HEADERS and …_TRACES_HEADERS (the latter wins per key): `key=value` pairs
 * separated by commas, each part URL-decoded; a malformed pair is skipped, as the SDK does.
 */
export function otlpHeaders(env: Env): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const variable of ['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_TRACES_HEADERS']) {
    for (const pair of (env[variable] ?? '').split(',')) {
      const at = pair.indexOf('=');
      if (at <= 0) continue;
      try {
        const key = decodeURIComponent(pair.slice(0, at)).trim().toLowerCase();
        const value = decodeURIComponent(pair.slice(at + 1)).trim();
        if (/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(key)) headers[key] = value;
      } catch {
        // a malformed escape: the pair is skipped
      }
    }
  }
  return headers;
}

/** OTEL_EXPORTER_OTLP_TRACES_TIMEOUT / OTEL_EXPORTER_OTLP_TIMEOUT in ms (default 10 s). */
function timeout(env: Env): number {
  for (const variable of ['OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', 'OTEL_EXPORTER_OTLP_TIMEOUT']) {
    const value = Number(env[variable]);
    if (set(env[variable]) && Number.isFinite(value) && value > 0) return value;
  }
  return 10_000;
}
