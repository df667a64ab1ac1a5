/** Flattened device trees (.dtb): parse one, read its properties, find enabled nodes and the console. */
export { dtbError } from './dtb-bytes.ts';
export { FDT_MAGIC, readDtbHeader, type DtbHeader } from './dtb-header.ts';
export { childPathOf, nodeBaseName, parentPathOf, type DeviceTree, type DtbNode } from './dtb-node.ts';
export { compatiblesOf, stringListOf, stringPropertyOf } from './dtb-properties.ts';
export { enabledNodes, isNodeEnabled, isStatusOkay } from './dtb-status.ts';
export { chosenStdout, nodeAtPath, nodeOfAlias, nodeOfPathOrAlias, type ChosenStdout } from './dtb-stdout.ts';
export { ofModalias } from './of-modalias.ts';
export { parseDtb, readDtbFile } from './parse-dtb.ts';
