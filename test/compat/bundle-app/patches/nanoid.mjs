import { wrapFunctionWrapper } from 'wrapt-hooks';

export default function patchNanoid(ns, info) {
  console.log(`[patch] nanoid ${JSON.stringify(info)}`);
  wrapFunctionWrapper(ns, 'nanoid', (wrapped, instance, args) => `id-${wrapped(...args).length}`);
}
