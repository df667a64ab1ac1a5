/** True when this Node strips TypeScript types itself and `moduleUrl` (default: bin/'s) is not under node_modules. */
export declare function nativeTypeScript(features?: { typescript?: unknown }, moduleUrl?: string): boolean;
/** True for Node's ExperimentalWarning about type stripping (transforming types, or module.stripTypeScriptTypes). */
export declare function isTypeStrippingWarning(warning: unknown): boolean;
/** Keep the type-stripping ExperimentalWarning off stderr; every other warning still prints. */
export declare function hideTypeStrippingWarning(target?: { emit: (event: string | symbol, ...args: unknown[]) => boolean }): void;
