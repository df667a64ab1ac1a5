/**
 * The UART driver serving a console node's compatible string, by module name. Built-in
 * drivers carry no aliases in modules.builtin.modinfo (modpost writes of: aliases only
 * for loadable modules), so the match is kept here, from the drivers' of_match tables.
 */
const driverOfUartCompatible: Readonly<Record<string, string>> = {
  'snps,dw-apb-uart': '8250_dw',
  'brcm,bcm2835-aux-uart': '8250_bcm2835aux',
  'arm,pl011': 'amba_pl011',
  'amlogic,meson-uart': 'meson_uart',
  'amlogic,meson-ao-uart': 'meson_uart',
  'amlogic,meson8b-uart': 'meson_uart',
  'amlogic,meson-gx-uart': 'meson_uart',
  ns16550a: '8250_of',
  ns16550: '8250_of',
};

/** The driver module of the first compatible emb knows, with that compatible; undefined when it knows none. */
export function uartDriverOf(compatibles: readonly string[]): { compatible: string; driver: string } | undefined {
  for (const compatible of compatibles) {
    const driver = driverOfUartCompatible[compatible];
    if (driver !== undefined) return { compatible, driver };
  }
  return undefined;
}

/**
 * The tty driver behind each console name, as the kernel names the module (what
 * modules.builtin lists when it is built in). The console must be built in: a console
 * driver loaded by /init misses every kernel message before it, panics included. The
 * SoC's own UART glue (8250_dw, 8250_bcm2835aux…) is checked through the DTB's console
 * node instead.
 */
const driversOfTtyPrefix: ReadonlyArray<readonly [prefix: string, drivers: readonly string[]]> = [
  ['ttyAMA', ['amba_pl011']],
  ['ttyAML', ['meson_uart']],
  ['ttyS', ['8250']],
  ['ttymxc', ['imx']],
  ['ttyMSM', ['msm_serial']],
  ['ttySAC', ['samsung_tty']],
  ['ttyPS', ['xilinx_uartps']],
  ['ttyMV', ['mvebu_uart']],
];

/** Module names that drive the console device ("ttyS2" → ["8250"]); undefined when emb does not know the prefix. */
export function consoleTtyDrivers(device: string): readonly string[] | undefined {
  const prefix = /^(tty[A-Za-z]+)\d+$/.exec(device)?.[1];
  return driversOfTtyPrefix.find(([known]) => known === prefix)?.[1];
}
