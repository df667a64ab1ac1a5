// Plain JavaScript that any Node parses: bin/emb.js asks it before loading tsx, so an
// old Node gets one line saying what to do instead of a stack trace from a loader.

/** The oldest Node emb runs on (package.json "engines"). */
export const minimumNode = [22, 15];

/** The one-line refusal for a Node older than 22.15, or undefined when `version` will do. */
export function nodeVersionProblem(version = process.versions.node) {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  if (major > minimumNode[0] || (major === minimumNode[0] && minor >= minimumNode[1])) return undefined;
  return `emb needs Node ${minimumNode.join('.')} or later (this is v${version.replace(/^v/, '')}): run it through npx/npm, which uses the Node that npm ci installed, or install Node 22/24`;
}
