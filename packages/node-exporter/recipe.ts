import { defineRecipe } from '../../src/define.ts';

/**
 * Prometheus' machine metrics exporter (:9100). A Go program, statically linked:
 * Debian bookworm's build (node_exporter 1.5.0) is taken as it is, under Debian's
 * program name. Building it from source needs Go modules from the internet, which the
 * project's machines cannot reach.
 */
export default defineRecipe({
  name: 'node-exporter',
  version: '1.5.0',
  license: 'Apache-2.0',
  description: 'Prometheus exporter for machine metrics (prometheus-node-exporter)',
  arches: ['aarch64', 'armhf', 'amd64'],
  // Debian builds it with cgo: it loads glibc.
  dependencies: ['glibc'],
  checks: [{ command: 'prometheus-node-exporter --version 2>&1 | head -n 1', expect: 'node_exporter, version 1\\.5\\.0' }],
  sources: [{ kind: 'debian-binary', package: 'prometheus-node-exporter', binaries: ['/usr/bin/prometheus-node-exporter'] }],
});
