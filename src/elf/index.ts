/** A pure-TypeScript ELF reader: headers, sections, interpreter and DT_NEEDED. */
export { ElfFormatError } from './elf-bytes.ts';
export { isElf, machineName, readElfHeader, type ElfHeader, type MachineName } from './elf-header.ts';
export { readSection, readSectionHeaders, type NamedSectionHeader } from './elf-sections.ts';
export { readInterpreter, readProgramHeaders, type ProgramHeader } from './elf-program.ts';
export { readDynamicNeeded } from './elf-dynamic.ts';
export { readSectionFromFile } from './elf-file-section.ts';
