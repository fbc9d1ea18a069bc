import { useId, type ReactNode } from "react";

/** Native radios styled as a segmented control: arrow keys and form semantics come for free. */
export function SegmentedRadio<V extends string>({
  legend,
  options,
  value,
  onChange,
  invalid = false,
  describedBy,
  children,
}: {
  legend: string;
  options: readonly { value: V; label: ReactNode }[];
  value: V | null;
  onChange: (value: V) => void;
  invalid?: boolean;
  /** The id of text explaining the group (why an option is missing). */
  describedBy?: string | undefined;
  /** Extra content in the group, after the options (the custom aspect field). */
  children?: ReactNode;
}) {
  const name = useId();
  const legendId = `${name}-legend`;
  return (
    // radiogroup rather than the fieldset's implicit group: it is the role that carries aria-invalid.
    <fieldset
      role="radiogroup"
      aria-labelledby={legendId}
      aria-invalid={invalid}
      aria-describedby={describedBy}
      className="group min-w-0 space-y-1.5"
    >
      <legend
        id={legendId}
        className="mb-1.5 text-sm font-medium group-aria-invalid:text-red-600 dark:group-aria-invalid:text-red-400"
      >
        {legend}
      </legend>
      <div className="flex flex-wrap items-center gap-1.5">
        {options.map((option) => (
          <label key={option.value} className="relative cursor-pointer">
            {/* Invisible but on top of its chip, so a click or tap lands on the radio itself. */}
            <input
              type="radio"
              name={name}
              value={option.value}
              checked={value === option.value}
              onChange={() => onChange(option.value)}
              className="peer absolute inset-0 z-10 m-0 cursor-pointer opacity-0"
            />
            <span className="inline-flex min-h-8 items-center gap-1.5 rounded-md border border-zinc-300 px-2.5 text-sm group-aria-invalid:border-red-500 peer-checked:border-sky-600 peer-checked:bg-sky-600 peer-checked:text-white peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-sky-500 hover:bg-zinc-100 peer-checked:hover:bg-sky-700 dark:border-zinc-700 dark:hover:bg-zinc-800">
              {option.label}
            </span>
          </label>
        ))}
        {children}
      </div>
    </fieldset>
  );
}
