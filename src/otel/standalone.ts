// wrapt-hooks' own tracer provider, for an application that registered none while an OTLP
// endpoint is set: OpenTelemetry's SDK (`@opentelemetry/sdk-trace-base`, or its successor
// `@opentelemetry/sdk-trace`) with a batch span processor and OpenTelemetry's OTLP exporter for
// the protocol asked for (`@opentelemetry/exporter-trace-otlp-proto` or `-http`), the resource
// from OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES. The packages are the application's (optional
// peer dependencies of wrapt-hooks): a missing one is a warning that names it.
//
// The provider is not registered globally: an application that registers its own later must
// not be refused (and spans then go to its provider, export.ts).
//
// Spans are flushed before the process ends. While it runs, the batch processor posts on its
// own timer (an export under way keeps the event loop alive until it is done). At the end (a
// natural end, process.exit(), or SIGINT/SIGTERM/SIGHUP the application does not handle: the
// end-of-run callbacks of trace/at-exit.ts), nothing asynchronous can run any more: the batch still held is
// serialised by OpenTelemetry's own OTLP serialiser and posted by a short child process that the
// exit waits for. Not at 'beforeExit': a post then would make Node emit 'beforeExit' again, and
// run the application's own listeners twice. A collector that is down costs one warning.
import type { AsyncLocalStorage } from 'node:async_hooks';
import { spawnSync } from 'node:child_process';
import { writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { debug } from '../debug';
import { describeCause, warn } from '../errors';
import { packageVersion } from '../version';
import { atExit } from '../trace/at-exit';
import { loadFromApp } from './load';
import { exportSettings, type ExportSettings } from './settings';
import type { Api, SpanExporter, Tracer } from './api-types';

const EXPORTER = { 'http/protobuf': '@opentelemetry/exporter-trace-otlp-proto', 'http/json': '@opentelemetry/exporter-trace-otlp-http' } as const;
const CONTENT_TYPE = { 'http/protobuf': 'application/x-protobuf', 'http/json': 'application/json' } as const;
const SERIALIZER = { 'http/protobuf': 'ProtobufTraceSerializer', 'http/json': 'JsonTraceSerializer' } as const;

type Provider = new (config: { resource: unknown; spanProcessors: unknown[] }) => { getTracer(name: string, version?: string): Tracer };
interface Sdk {
  /** `BasicTracerProvider` in sdk-trace-base 2.x, `TracerProvider` in sdk-trace 3.x. */
  BasicTracerProvider?: Provider;
  TracerProvider?: Provider;
  /** Takes the exporter in 2.x, `{ exporter }` in 3.x. */
  BatchSpanProcessor: new (exporter: SpanExporter | { exporter: SpanExporter }) => { forceFlush(): Promise<void> };
}
interface Resources {
  defaultResource(): { merge(other: unknown): unknown };
  detectResources(config: { detectors: unknown[] }): unknown;
  envDetector: unknown;
}

/** Starts the provider, or says (one warning each) why it cannot. */
export function startStandalone(
  _api: Api,
  ownExport: AsyncLocalStorage<true>,
  env: Record<string, string | undefined> = process.env,
): { tracer: Tracer } | undefined {
  const { settings, problems } = exportSettings(env);
  for (const problem of problems) warn('WRAPT_HOOKS_EXPORT_CONFIG', problem.message);
  if (settings === undefined) return undefined;
  const sdk = (loadFromApp('@opentelemetry/sdk-trace-base') ?? loadFromApp('@opentelemetry/sdk-trace'))?.module as Sdk | undefined;
  const resources = loadFromApp('@opentelemetry/resources')?.module as Resources | undefined;
  const exporterPackage = loadFromApp(EXPORTER[settings.protocol]);
  const missing = [
    sdk === undefined ? '@opentelemetry/sdk-trace-base' : undefined,
    resources === undefined ? '@opentelemetry/resources' : undefined,
    exporterPackage === undefined ? EXPORTER[settings.protocol] : undefined,
  ].filter((name) => name !== undefined);
  if (sdk === undefined || resources === undefined || exporterPackage === undefined) {
    warn(
      'WRAPT_HOOKS_EXPORT_UNAVAILABLE',
      `WRAPT_TRACE_EXPORT=otel with an OTLP endpoint needs OpenTelemetry's SDK and exporter, and ${missing.join(', ')} cannot be loaded from the application or from wrapt-hooks: no spans are exported. Install them beside the application (npm install ${missing.join(' ')}); the lines go on as before.`,
    );
    return undefined;
  }
  try {
    const Exporter = (exporterPackage.module as { OTLPTraceExporter: new (config: object) => SpanExporter }).OTLPTraceExporter;
    const inner = new Exporter({ url: settings.url, headers: settings.headers, timeoutMillis: settings.timeoutMs });
    const exporter = new ExitAwareExporter(inner, settings, exporterPackage.file, ownExport);
    const Provider = sdk.BasicTracerProvider ?? sdk.TracerProvider;
    if (Provider === undefined) throw new Error('the SDK has neither BasicTracerProvider nor TracerProvider');
    const processor = new sdk.BatchSpanProcessor(sdk.BasicTracerProvider === undefined ? { exporter } : exporter);
    const resource = resources.defaultResource().merge(resources.detectResources({ detectors: [resources.envDetector] }));
    const provider = new Provider({ resource, spanProcessors: [processor] });
    atExit(() => {
      exporter.exiting = true;
      processor.forceFlush().catch(() => undefined);
    });
    debug(`export: no tracer provider registered; spans go to ${settings.url} (${settings.protocol}) through wrapt-hooks' own`);
    return { tracer: provider.getTracer('wrapt-hooks', packageVersion()) };
  } catch (error) {
    warn(
      'WRAPT_HOOKS_EXPORT_UNAVAILABLE',
      `WRAPT_TRACE_EXPORT=otel: OpenTelemetry's SDK could not be started (${describeCause(error)}); no spans are exported. The lines go on as before.`,
      error,
    );
    return undefined;
  }
}

/**
 * The OTLP exporter, run with wrapt-hooks' own requests marked (the http recipe passes them
 * over), failures turned into one warning, and at exit a synchronous post.
 */
class ExitAwareExporter implements SpanExporter {
  exiting = false;
  private warned = false;

  constructor(
    private readonly inner: SpanExporter,
    private readonly settings: ExportSettings,
    private readonly exporterFile: string,
    private readonly ownExport: AsyncLocalStorage<true>,
  ) {}

  export(spans: unknown[], done: (result: { code: number; error?: Error }) => void): void {
    if (this.exiting) {
      const error = this.postNow(spans);
      if (error !== undefined) this.failed(error);
      done(error === undefined ? { code: 0 } : { code: 1, error: new Error(error) });
      return;
    }
    this.ownExport.run(true, () =>
      this.inner.export(spans, (result) => {
        if (result.code !== 0) this.failed(result.error === undefined ? 'the exporter gave up' : describeCause(result.error));
        done(result);
      }),
    );
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }

  private failed(why: string): void {
    if (this.warned) return;
    this.warned = true;
    const message = `spans could not be exported to ${this.settings.url} (${why}); the spans of that batch are dropped and the application runs on. Check that the collector is up and OTEL_EXPORTER_OTLP_ENDPOINT points at it.`;
    // After 'exit', a warning event is never delivered (it waits for the next tick): the
    // warning is written as Node would print it.
    if (!this.exiting) return warn('WRAPT_HOOKS_EXPORT_FAILED', message);
    try {
      writeSync(2, `(node:${process.pid}) [WRAPT_HOOKS_EXPORT_FAILED] WraptHooksWarning: ${message}\n`);
    } catch {
      // stderr is gone: nothing to tell
    }
  }

  /** Serialises the spans as the exporter would and posts them from a child process; returns why it failed. */
  private postNow(spans: unknown[]): string | undefined {
    if (spans.length === 0) return undefined;
    let body: Uint8Array | undefined;
    try {
      const transformer = createRequire(this.exporterFile)('@opentelemetry/otlp-transformer') as Record<
        string,
        { serializeRequest(spans: unknown[]): Uint8Array | undefined }
      >;
      body = transformer[SERIALIZER[this.settings.protocol]]!.serializeRequest(spans);
    } catch (error) {
      return `cannot serialise the spans: ${describeCause(error)}`;
    }
    if (body === undefined) return 'cannot serialise the spans';
    const env: Record<string, string | undefined> = { ...process.env };
    delete env['NODE_OPTIONS'];
    const headers = { ...this.settings.headers, 'content-type': CONTENT_TYPE[this.settings.protocol] };
    const child = spawnSync(process.execPath, ['-e', POST, this.settings.url, JSON.stringify(headers), String(this.settings.timeoutMs)], {
      input: body,
      env,
      stdio: ['pipe', 'ignore', 'pipe'],
      timeout: this.settings.timeoutMs + 2000,
      windowsHide: true,
    });
    if (child.error !== undefined) return describeCause(child.error);
    if (child.status !== 0) return child.stderr.toString('utf8').trim().slice(0, 200) || `exit ${String(child.status ?? child.signal)}`;
    return undefined;
  }
}

// The child that posts the last batch at exit: the body on stdin; url, headers and timeout as
// arguments; exit status 1 with the reason on stderr when the collector did not take it.
const POST = `
const [url, headers, timeout] = process.argv.slice(1);
const chunks = [];
process.stdin.on('data', (chunk) => chunks.push(chunk)).on('end', () => {
  const body = Buffer.concat(chunks);
  const target = new URL(url);
  const fail = (why) => { process.stderr.write(String(why)); process.exitCode = 1; };
  const request = require(target.protocol === 'https:' ? 'node:https' : 'node:http').request(
    target,
    { method: 'POST', headers: { ...JSON.parse(headers), 'content-length': body.length }, timeout: Number(timeout) },
    (response) => {
      response.resume();
      response.on('end', () => { if (response.statusCode >= 300) fail('HTTP ' + response.statusCode); });
    },
  );
  request.on('timeout', () => request.destroy(new Error('timed out after ' + timeout + 'ms')));
  request.on('error', (error) => fail(error.code || error.message));
  request.end(body);
});
`;
