// Plain JavaScript, like node-version.js: bin/emb.js asks it how to load emb's
// TypeScript before anything TypeScript is loaded.

/**
 * True when this Node strips TypeScript types itself (22.18+, or 22.15+ with
 * --experimental-strip-types) and may strip emb's sources: Node refuses to strip
 * files under node_modules, so a copy of emb installed there goes through tsx.
 * `moduleUrl` is a real path: Node resolves the symlinks of an npm bin link first.
 */
export function nativeTypeScript(features = process.features, moduleUrl = import.meta.url) {
  return Boolean(features.typescript) && !moduleUrl.includes('/node_modules/');
}

/**
 * Node versions that still call type stripping experimental say so once per run (and
 * once more for module.stripTypeScriptTypes, which bin/stripped-source-cache.js calls
 * when a source is not in its cache); a user has nothing to do about it.
 */
export function isTypeStrippingWarning(warning) {
  return (
    warning?.name === 'ExperimentalWarning' && /\b(type stripping|transform types|stripTypeScriptTypes)\b/i.test(String(warning.message))
  );
}

/**
 * Drop the type-stripping ExperimentalWarning from stderr, which emb's tests compare
 * (tsx keeps its own loader warnings out the same way): every other warning still prints.
 */
export function hideTypeStrippingWarning(target = process) {
  const emit = target.emit;
  target.emit = function (event, ...args) {
    if (event === 'warning' && isTypeStrippingWarning(args[0])) return false;
    return Reflect.apply(emit, this, [event, ...args]);
  };
}
