'use client';
/** A button that opens the file picker for a manifest (YAML or JSON) and hands the chosen file over. */
import { useRef } from 'react';

const MANIFEST_TYPES = '.yaml,.yml,.json,application/yaml,application/x-yaml,text/yaml,text/plain';

export function ManifestFileButton({ label, className, inputTestId, onFile }: { label: string; className: string; inputTestId: string; onFile: (file: File) => void }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" className={className} onClick={() => input.current?.click()}>
        {label}
      </button>
      {/* Hidden from the keyboard and screen readers: the button above is the control. */}
      <input
        ref={input}
        type="file"
        accept={MANIFEST_TYPES}
        className="hidden"
        tabIndex={-1}
        aria-hidden="true"
        data-testid={inputTestId}
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          // Cleared so that choosing the same file again still fires a change.
          e.currentTarget.value = '';
          if (file) onFile(file);
        }}
      />
    </>
  );
}
