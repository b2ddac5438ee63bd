// Sentry as its documentation starts it (--import ./instrument.mjs), sending to an unused
// loopback port; the transactions it would send are kept for the test instead.
import * as Sentry from '@sentry/node';

globalThis.sentryTransactions = [];
Sentry.init({
  dsn: 'http://public@127.0.0.1:9/1',
  tracesSampleRate: 1,
  traceLifecycle: 'static',
  sendClientReports: false,
  beforeSendTransaction(event) {
    globalThis.sentryTransactions.push(event.transaction);
    return null;
  },
});
