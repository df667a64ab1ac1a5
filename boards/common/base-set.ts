/**
 * What every compute node runs (issue 3's base set): init and supervision, the C
 * library, SSH, the storage tools, BOINC and the node exporter.
 */
export const basePackages = ['busybox', 'runit', 'glibc', 'libgcc', 'dropbear', 'e2fsprogs', 'boinc-client', 'node-exporter'];

/** Shipped, loaded on demand: nfsv4 only with uebo.nfsdir, loop when /storage/modules asks for it. */
export const onDemandModules = ['nfsv4', 'loop'];

/** armhf glibc and libgcc beside an aarch64 board's own, so armhf BOINC science apps run. */
export const armhfCompat = [{ arch: 'armhf' as const, packages: ['glibc', 'libgcc'] }];

/**
 * The base set's large, rarely-read files for a board's read-only layer (a squashfs
 * /init loop-mounts): BOINC, the libraries only it loads (curl, OpenSSL's libcrypto and
 * libssl, zlib) and node_exporter. Unpacked in the tmpfs root they would hold their
 * bytes in RAM for good; in the squashfs their pages are read on demand and evictable.
 */
export const readOnlyPayload = { packages: ['boinc-client', 'curl', 'openssl', 'zlib', 'node-exporter'] };
