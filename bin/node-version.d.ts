/** The oldest Node emb runs on (package.json "engines"): [major, minor]. */
export declare const minimumNode: [number, number];
/** The one-line refusal for a Node older than 22.15, or undefined when `version` (default: this Node's) will do. */
export declare function nodeVersionProblem(version?: string): string | undefined;
