// W3C `traceparent` on outgoing requests (docs/opentelemetry.md), for the http recipe with
// export on. node:http stores a request's headers in its constructor, before any
// diagnostics_channel event, so the header goes into the arguments of `http.request` /
// `http.get`; undici's requests take one through `addHeader` at `undici:request:create`. A
// request that already carries a `traceparent` (the application's own instrumentation set one)
// keeps it.

/**
 * The arguments of `http.request(url?, options?, callback?)` with a `traceparent` header added:
 * the caller's options object is copied (same prototype), never changed.
 */
export function withTraceparent(args: readonly unknown[], value: string): unknown[] {
  const out = [...args];
  const first = out[0];
  const at = typeof first === 'string' || first instanceof URL ? 1 : 0;
  const options = out[at];
  if (options === null || typeof options !== 'object') {
    // http.request(url) or http.request(url, callback): options of our own go between.
    if (at === 1) out.splice(1, 0, { headers: { traceparent: value } });
    return out;
  }
  const headers = (options as { headers?: unknown }).headers;
  let next: unknown;
  if (Array.isArray(headers)) {
    // Raw headers: [name, value, name, value, …].
    for (let i = 0; i < headers.length; i += 2) if (String(headers[i]).toLowerCase() === 'traceparent') return out;
    next = [...(headers as unknown[]), 'traceparent', value];
  } else if (headers !== null && typeof headers === 'object') {
    for (const name of Object.keys(headers)) if (name.toLowerCase() === 'traceparent') return out;
    next = { ...(headers as object), traceparent: value };
  } else {
    next = { traceparent: value };
  }
  out[at] = Object.assign(Object.create(Object.getPrototypeOf(options) as object | null) as object, options, { headers: next });
  return out;
}

/** Does an undici request already carry a `traceparent` (headers as raw text or a flat array)? */
export function undiciHasTraceparent(headers: unknown): boolean {
  if (typeof headers === 'string') return /(?:^|\r\n)traceparent:/i.test(headers);
  if (Array.isArray(headers)) {
    for (let i = 0; i < headers.length; i += 2) if (String(headers[i]).toLowerCase() === 'traceparent') return true;
  }
  return false;
}
