import { Document, isScalar, isSeq, Scalar, visit } from 'yaml';
import type { BootParameters } from './bss.ts';

/**
 * BSS entries as files. BSS takes one entry per request: its /boot/v1/bootparameters
 * handlers decode the body into a single BootParams (github.com/OpenCHAMI/bss
 * cmd/boot-script-service/default_api.go), and so does `ochami bss boot params set
 * -d @FILE -f yaml` (github.com/OpenCHAMI/ochami cmd/bss/boot/params/set.go, through
 * cli.HandlePayload; a list there fails with "cannot unmarshal array"). A list of
 * entries is what GET /boot/v1/bootparameters answers with (bss docs/examples.adoc), so
 * the files for a whole inventory are lists, and bssEntryYaml gives one entry alone.
 */

/** All entries as a JSON array, each element one PUT body. */
export function bssPayloadJson(params: BootParameters[]): string {
  return `${JSON.stringify(params, null, 2)}\n`;
}

const listComment = [
  ' OpenCHAMI BSS boot parameters, one entry per node, written by emb pxe --bss.',
  ' Each entry is one PUT /boot/v1/bootparameters (emb pxe --bss-url sends them all);',
  ' `ochami bss boot params set -d @FILE -f yaml` takes one entry, not this list.',
].join('\n');

/** All entries as a YAML sequence, with a comment saying how BSS takes them. */
export function bssPayloadYaml(params: BootParameters[]): string {
  const document = new Document(params);
  document.commentBefore = listComment;
  return yamlText(document);
}

/** One entry as a YAML mapping: the file `ochami bss boot params set -d @FILE -f yaml` takes. */
export function bssEntryYaml(entry: BootParameters): string {
  return yamlText(new Document(entry));
}

/**
 * MACs double-quoted: a YAML 1.1 reader (PyYAML, yq v3, Ansible) reads an unquoted
 * 52:54:00:12:34:56 as a base-60 integer. lineWidth 0: a long params line stays one
 * line, as it is one kernel command line.
 */
function yamlText(document: Document): string {
  visit(document, {
    Pair(_, pair) {
      if (!isScalar(pair.key) || pair.key.value !== 'macs' || !isSeq(pair.value)) return;
      for (const item of pair.value.items) {
        if (isScalar(item)) item.type = Scalar.QUOTE_DOUBLE;
      }
    },
  });
  return document.toString({ lineWidth: 0 });
}
