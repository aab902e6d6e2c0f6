/**
 * One YAML parse per revision of the builder's text, shared by the canvas (readParsedText) and the
 * findings (checkManifests). Each used to parse the same text on its own after every typing pause.
 */
import { checkManifests, manifestTopologyBindings, type ValidationContext } from '../grove/check';
import { CLUSTER_TOPOLOGY_BINDING_KIND, type TopologyLevel } from '../grove/clustertopologybinding';
import type { ManifestReport } from '../grove/findings';
import { manifestsOfYaml, parseYamlDocuments, type ManifestDocument, type ParsedManifests, type ParsedYaml } from '../grove/manifest';
import { readParsedText, type ReadResult } from './document';

interface Revision {
  text: string;
  yaml: ParsedYaml;
  read?: ReadResult;
  manifests?: ParsedManifests;
}

/**
 * The parses of the last few texts (the canvas reads the newest text while the findings, deferred,
 * may still be on the one before). What is read here is shared: never edit its documents (edits read
 * their text afresh with readBuilderText).
 */
export class RevisionReads {
  private readonly recent: Revision[] = [];

  constructor(
    private readonly parse: (text: string) => ParsedYaml = parseYamlDocuments,
    private readonly keep = 2,
  ) {}

  private revision(text: string): Revision {
    const i = this.recent.findIndex((r) => r.text === text);
    if (i >= 0) {
      const [hit] = this.recent.splice(i, 1);
      this.recent.unshift(hit!);
      return hit!;
    }
    const made: Revision = { text, yaml: this.parse(text) };
    this.recent.unshift(made);
    this.recent.length = Math.min(this.recent.length, this.keep);
    return made;
  }

  /** What the canvas shows: readBuilderText(text), from the revision's parse. */
  read(text: string): ReadResult {
    const r = this.revision(text);
    return (r.read ??= readParsedText(r.yaml, text));
  }

  /** The revision's documents as manifests (parseManifests(text)), from the same parse. */
  manifests(text: string): ParsedManifests {
    const r = this.revision(text);
    return (r.manifests ??= manifestsOfYaml(r.yaml));
  }

  /** The findings: checkManifestText(text, context), from the same parse; `previous` as checkManifests has it. */
  check(text: string, context: ValidationContext = {}, previous?: (document: ManifestDocument) => unknown): ManifestReport {
    return checkManifests(this.manifests(text), context, previous);
  }

  /** The file's own ClusterTopologyBindings (fileTopologyBindings(text)), from the same parse. */
  topologyBindings(text: string): Record<string, TopologyLevel[]> {
    // Most texts hold none: their manifests are not made for nothing (the findings make them later, deferred).
    return text.includes(CLUSTER_TOPOLOGY_BINDING_KIND) ? manifestTopologyBindings(this.manifests(text)) : {};
  }
}
