/** A plain notice for pages whose capability lands in a later issue: nothing here pretends to work. */
export function ComingLater({
  title,
  summary,
  planned,
}: {
  title: string;
  summary: string;
  planned: readonly string[];
}) {
  return (
    <div className="mx-auto max-w-3xl px-6 py-10">
      <h1 className="text-xl font-semibold tracking-tight text-zinc-900 dark:text-zinc-50">{title}</h1>
      <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">{summary}</p>
      <div className="mt-6 rounded-lg border border-dashed border-zinc-300 p-4 dark:border-zinc-700">
        <p className="text-sm font-medium text-zinc-800 dark:text-zinc-200">
          Not built yet. This page comes in a later issue.
        </p>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">What it is planned to do:</p>
        <ul className="mt-2 list-disc space-y-1 pl-5 text-sm text-zinc-600 dark:text-zinc-400">
          {planned.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      </div>
    </div>
  );
}
