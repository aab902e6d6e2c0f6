/** Stacks made to size, for tests and measurements of the builder (the 40-clique stack of its e2e and unit tests). */

/**
 * A chain of `fronts` frontends, each with a scaling group of four cliques after it (5 × fronts
 * cliques, `fronts` groups): long, and wide when laid out. Each clique is headed by a `# name` comment.
 */
export function chainedStackText(fronts: number): string {
  const lines = ['apiVersion: grove.io/v1alpha1', 'kind: PodCliqueSet', 'metadata: {name: big, namespace: default}', 'spec:', '  replicas: 1', '  template:', '    cliqueStartupType: CliqueStartupTypeExplicit', '    cliques:'];
  const one = (name: string, after: string | null) => [
    `      # ${name}`,
    `      - name: ${name}`,
    '        spec:',
    `          roleName: ${name}`,
    '          replicas: 2',
    '          minAvailable: 1',
    ...(after ? [`          startsAfter: [${after}]`] : []),
    '          podSpec:',
    '            containers:',
    '              - name: main',
    '                image: busybox',
  ];
  for (let i = 0; i < fronts; i++) lines.push(...one(`fe${i}`, i ? `fe${i - 1}` : null));
  for (let g = 0; g < fronts; g++) for (const [k, role] of ['lead', 'wa', 'wb', 'wc'].entries()) lines.push(...one(`g${g}${role}`, k ? `g${g}lead` : `fe${g}`));
  lines.push('    podCliqueScalingGroups:');
  for (let g = 0; g < fronts; g++) lines.push(`      - name: grp${g}`, `        cliqueNames: [g${g}lead, g${g}wa, g${g}wb, g${g}wc]`, '        replicas: 1');
  return `${lines.join('\n')}\n`;
}
