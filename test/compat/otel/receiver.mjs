// A stand-in OTLP/HTTP collector for the export tests and docs/opentelemetry.md's session: it
// listens on 127.0.0.1 (a random port), takes POST /v1/traces as http/json or http/protobuf, and
// decodes what arrives into plain spans. Protobuf is decoded by protobufjs with the message
// definitions of OTLP's trace service (the field numbers of opentelemetry-proto's
// trace/v1/trace.proto, common/v1/common.proto and resource/v1/resource.proto), written out
// below; JSON is OTLP's JSON mapping, read as it is.
import http from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

const OTLP_TRACE = `
syntax = "proto3";
package otlp;
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
message InstrumentationScope { string name = 1; string version = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
message Span {
  bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4; fixed32 flags = 16;
  string name = 5; int32 kind = 6; fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9; uint32 dropped_attributes_count = 10; repeated Event events = 11;
  uint32 dropped_events_count = 12; repeated Link links = 13; uint32 dropped_links_count = 14; Status status = 15;
}
message Event { fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
message Link { bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; repeated KeyValue attributes = 4; uint32 dropped_attributes_count = 5; fixed32 flags = 6; }
message Status { string message = 2; int32 code = 3; }
message KeyValue { string key = 1; AnyValue value = 2; }
message AnyValue {
  oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4; ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7; }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
`;
// protobufjs is installed into test/compat/otel by the suite's own before() (layOut), which runs
// after this module is imported: the message type is built at the first protobuf request.
let request;
const Request = () => (request ??= require('protobufjs').parse(OTLP_TRACE, { keepCase: false }).root.lookupType('otlp.ExportTraceServiceRequest'));

const hex = (value) => (value === undefined || value === null ? '' : typeof value === 'string' ? value : Buffer.from(value).toString('hex'));

function value(any) {
  if (any === undefined || any === null) return undefined;
  if (any.stringValue !== undefined) return any.stringValue;
  if (any.boolValue !== undefined) return any.boolValue;
  if (any.intValue !== undefined) return Number(any.intValue);
  if (any.doubleValue !== undefined) return any.doubleValue;
  if (any.arrayValue !== undefined) return (any.arrayValue.values ?? []).map(value);
  return undefined;
}
const attributes = (list) => Object.fromEntries((list ?? []).map((kv) => [kv.key, value(kv.value)]));

/** An ExportTraceServiceRequest (as decoded from either encoding) -> plain spans. */
function spansOf(request, protocol) {
  const out = [];
  for (const resourceSpans of request.resourceSpans ?? []) {
    const resource = attributes(resourceSpans.resource?.attributes);
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        out.push({
          protocol,
          name: span.name,
          kind: span.kind,
          traceId: hex(span.traceId),
          spanId: hex(span.spanId),
          parentSpanId: hex(span.parentSpanId),
          attributes: attributes(span.attributes),
          status: { code: span.status?.code ?? 0, ...(span.status?.message ? { message: span.status.message } : {}) },
          events: (span.events ?? []).map((event) => ({ name: event.name, attributes: attributes(event.attributes) })),
          scope: scopeSpans.scope?.name,
          resource,
        });
      }
    }
  }
  return out;
}

/**
 * Starts the receiver on `port` (0: any free one); `spans` fills as requests arrive, `requests`
 * holds each request's path, content type and headers, `onSpans` is called after each.
 */
export async function startReceiver(port = 0) {
  const spans = [];
  const requests = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const type = String(req.headers['content-type'] ?? '');
      requests.push({ path: req.url, contentType: type, headers: req.headers });
      try {
        if (type.startsWith('application/json')) spans.push(...spansOf(JSON.parse(body.toString('utf8')), 'http/json'));
        else spans.push(...spansOf(Request().toObject(Request().decode(body), { longs: String, defaults: false }), 'http/protobuf'));
        receiver.onSpans?.();
        res.writeHead(200, { 'content-type': type.startsWith('application/json') ? 'application/json' : 'application/x-protobuf' });
        res.end(type.startsWith('application/json') ? '{}' : '');
      } catch (error) {
        res.writeHead(400).end(String(error));
      }
    });
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  const receiver = {
    url: `http://127.0.0.1:${server.address().port}`,
    spans,
    requests,
    onSpans: undefined,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
  return receiver;
}

// Run by hand (docs/opentelemetry.md): `node test/compat/otel/receiver.mjs [port]` prints each
// span as it arrives: service, name, kind, ids (trace, span, parent: their first 8 digits),
// status, then the attributes.
if (import.meta.url === `file://${process.argv[1]}`) {
  const KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
  const port = Number(process.argv[2] ?? 4318);
  const receiver = await startReceiver(port);
  console.log(`receiving OTLP/HTTP on ${receiver.url}/v1/traces`);
  let shown = 0;
  receiver.onSpans = () => {
    for (const span of receiver.spans.slice(shown)) {
      const ids = `trace=${span.traceId.slice(0, 8)} span=${span.spanId.slice(0, 8)}${span.parentSpanId ? ` parent=${span.parentSpanId.slice(0, 8)}` : ''}`;
      const status = span.status.code === 2 ? ` ERROR ${span.status.message ?? ''}` : '';
      console.log(`[${span.protocol}] ${span.resource['service.name']}: "${span.name}" ${KINDS[span.kind] ?? span.kind} ${ids}${status}`);
      for (const [key, value] of Object.entries(span.attributes)) console.log(`    ${key}=${JSON.stringify(value)}`);
      for (const event of span.events)
        console.log(`    event ${event.name}: ${event.attributes['exception.type'] ?? ''} ${event.attributes['exception.message'] ?? ''}`);
    }
    shown = receiver.spans.length;
  };
}
